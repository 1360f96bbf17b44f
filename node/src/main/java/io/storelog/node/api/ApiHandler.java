package io.storelog.node.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/** Hands each decoded request to the routes on a worker thread and writes the answer back. */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Router routes;
    private final ExecutorService workers;
    private final EventStream events;

    /** {@code events} takes the requests a route answers with {@link EventStream#CONTENT_TYPE}; null if none. */
    ApiHandler(Router routes, ExecutorService workers, EventStream events) {
        this.routes = routes;
        this.workers = workers;
        this.events = events;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            write(ctx, false, ApiRoutes.error(400, "BAD_REQUEST", "malformed HTTP request"));
            return;
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        List<String> segments = new ArrayList<>();
        for (String s : qs.rawPath().split("/")) {
            if (!s.isEmpty()) {
                segments.add(QueryStringDecoder.decodeComponent(s));
            }
        }
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        req.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
        ApiRequest request = new ApiRequest(req.method().name(), qs.rawPath(), segments, qs.parameters(),
                req.headers().get(HttpHeaderNames.CONTENT_TYPE), ByteBufUtil.getBytes(req.content()), headers);
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            workers.execute(() -> routes.handle(request, auth)
                    .exceptionally(ApiRoutes::errorResponse)
                    .thenAccept(r -> answer(ctx, keepAlive, r)));
        } catch (RejectedExecutionException e) {
            write(ctx, false, ApiRoutes.error(503, "NOT_READY", "node is shutting down"));
        }
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, ApiResponse r) {
        if (events != null && r.status() == 200 && r.contentType().startsWith(EventStream.CONTENT_TYPE)) {
            events.subscribe(ctx.channel());
        } else {
            write(ctx, keepAlive, r);
        }
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, ApiResponse r) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
