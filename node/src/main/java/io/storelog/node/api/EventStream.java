package io.storelog.node.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent event stream of {@code GET /api/events}: every subscriber is an HTTP response kept
 * open and written in chunks, one {@code summary} event per second and one soon after entries become
 * durable (coalesced, so a busy log costs at most one extra push per {@link #ENTRY_DELAY_MS}).
 *
 * <p>The summary is built on this class's own thread and only handed to Netty to write, so neither the
 * event loop nor the log writer waits for it; a subscriber whose socket is not taking data is skipped
 * for that event rather than buffered for, so a stalled browser cannot grow the heap.
 */
public final class EventStream implements AutoCloseable {
    /** The content type a route answers with to turn its request into a subscription. */
    public static final String CONTENT_TYPE = "text/event-stream";
    static final long PERIOD_MS = 1000;
    static final long ENTRY_DELAY_MS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final Supplier<byte[]> summary;
    private final Set<Channel> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pushPending = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storelog-events");
        t.setDaemon(true);
        return t;
    });

    /** Pushes what {@code summary} builds (one line of JSON) to every subscriber. */
    public EventStream(Supplier<byte[]> summary) {
        this.summary = summary;
        timer.scheduleWithFixedDelay(this::pushAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Answers {@code channel}'s request with the stream's head and keeps it until the client goes. */
    void subscribe(Channel channel) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE + "; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        channel.writeAndFlush(head);
        subscribers.add(channel);
        channel.closeFuture().addListener(f -> subscribers.remove(channel));
        try {
            timer.execute(() -> push(channel, frame()));
        } catch (RejectedExecutionException e) {
            channel.close();
        }
    }

    /** Told when entries are durable (on the log writer's thread): only schedules a push, builds nothing. */
    public void entryDurable() {
        if (subscribers.isEmpty() || !pushPending.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(() -> {
                pushPending.set(false);
                pushAll();
            }, ENTRY_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pushPending.set(false);
        }
    }

    /** How many clients are subscribed now. */
    public int subscribers() {
        return subscribers.size();
    }

    private void pushAll() {
        if (subscribers.isEmpty()) {
            return;
        }
        try {
            byte[] frame = frame();
            subscribers.forEach(ch -> push(ch, frame));
        } catch (RuntimeException e) {
            // A failed summary must not end the periodic task (a scheduled task that throws never runs again).
            LOG.warn("event summary failed: {}", e.toString());
        }
    }

    private byte[] frame() {
        byte[] json = summary.get();
        byte[] head = "event: summary\ndata: ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    private static void push(Channel ch, byte[] frame) {
        if (ch.isActive() && ch.isWritable()) {
            ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        subscribers.forEach(Channel::close);
    }
}
