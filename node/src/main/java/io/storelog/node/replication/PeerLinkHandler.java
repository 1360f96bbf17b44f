package io.storelog.node.replication;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.storelog.protocol.PeerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** After the handshake: hands every message of the link to the replicator's thread; never does work on the event loop. */
final class PeerLinkHandler extends SimpleChannelInboundHandler<PeerMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinkHandler.class);

    private final Replicator replicator;
    private final PeerSession session;
    private final ReplicationMetrics metrics;

    PeerLinkHandler(Replicator replicator, PeerSession session, ReplicationMetrics metrics) {
        this.replicator = replicator;
        this.session = session;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PeerMessage msg) {
        replicator.onMessage(session, msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            replicator.schedulePump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        replicator.onClosed(session);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("closing link to {}: {}", session.peer.node(), cause.toString());
        metrics.refused(FrameErrors.reason(cause));
        ctx.close();
    }
}
