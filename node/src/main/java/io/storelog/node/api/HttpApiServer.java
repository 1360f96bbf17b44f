package io.storelog.node.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.storelog.node.StoreNode;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's HTTP server on Netty. The event loop only decodes and writes; every route runs on a
 * small worker pool, and appends complete asynchronously when the log writer has fsynced them.
 */
public final class HttpApiServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final Channel channel;
    private final EventStream events;
    private final ChannelGroup connections;

    private HttpApiServer(EventLoopGroup group, ExecutorService workers, Channel channel, EventStream events,
            ChannelGroup connections) {
        this.group = group;
        this.workers = workers;
        this.channel = channel;
        this.events = events;
        this.connections = connections;
    }

    /** Binds the API of {@code node} to its configured address and port. */
    public static HttpApiServer start(StoreNode node) {
        ApiRoutes routes = new ApiRoutes(node);
        EventStream events = new EventStream(routes::eventSummary);
        node.log().onDurable(batch -> events.entryDurable());
        try {
            return start(node.config().http().bind(), node.config().http().port(), node.config().http().maxBodyBytes(),
                    routes, events);
        } catch (RuntimeException e) {
            events.close();
            throw e;
        }
    }

    /** Serves {@code routes} on {@code bind:port}, refusing bodies above {@code maxBody} bytes. */
    public static HttpApiServer start(String bind, int port, int maxBody, Router routes) {
        return start(bind, port, maxBody, routes, null, null);
    }

    /** As {@link #start(String, int, int, Router)}, over HTTPS with {@code tls} (plain HTTP when null). */
    public static HttpApiServer start(String bind, int port, int maxBody, Router routes, SslContext tls) {
        return start(bind, port, maxBody, routes, null, tls);
    }

    private static HttpApiServer start(String bind, int port, int maxBody, Router routes, EventStream events) {
        return start(bind, port, maxBody, routes, events, null);
    }

    private static HttpApiServer start(String bind, int port, int maxBody, Router routes, EventStream events, SslContext tls) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "storelog-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            connections.add(c);
                            if (tls != null) {
                                c.pipeline().addLast("tls", tls.newHandler(c.alloc()));
                            }
                            c.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new BodyLimitAggregator(maxBody))
                                    .addLast(new ApiHandler(routes, workers, events));
                        }
                    })
                    .bind(new InetSocketAddress(bind, port))
                    .syncUninterruptibly()
                    .channel();
            return new HttpApiServer(group, workers, ch, events, connections);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownNow();
            throw e;
        }
    }

    /** The bound address (a wildcard address when bound to every interface). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        channel.close().syncUninterruptibly();
        // Every open connection closed before the event loops stop, so a client holding a kept-alive one sees
        // it closed at once instead of sending into a socket nobody reads until its own timeout.
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }
}
