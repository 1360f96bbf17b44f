package io.storelog.node.replication;

import com.google.protobuf.ByteString;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.storelog.protocol.Hello;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.Proof;
import io.storelog.protocol.Refused;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handshake of one link: both sides send Hello, check the store, then exchange proofs of the
 * store key. Nothing else is accepted before both proofs check out; on success this handler hands the
 * channel to the session layer and removes itself. Any failure answers Refused and closes the link.
 */
final class HandshakeHandler extends SimpleChannelInboundHandler<PeerMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final long TIMEOUT_MS = 5_000;

    private final boolean initiator;
    private final Handshake handshake;
    private final Hello mine;
    private final ReplicationMetrics metrics;
    private final BiConsumer<ChannelHandlerContext, PeerIdentity> established;
    private Hello theirs;
    private boolean done;

    HandshakeHandler(boolean initiator, Handshake handshake, String store, String node, String incarnation, String role,
            ReplicationMetrics metrics, BiConsumer<ChannelHandlerContext, PeerIdentity> established) {
        this.initiator = initiator;
        this.handshake = handshake;
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        this.mine = Hello.newBuilder().setProtocolVersion(Handshake.PROTOCOL_VERSION).setStore(store).setNode(node)
                .setIncarnation(incarnation).setRole(role).setNonce(ByteString.copyFrom(nonce)).build();
        this.metrics = metrics;
        this.established = established;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(PeerMessage.newBuilder().setHello(mine).build());
        ctx.executor().schedule(() -> {
            if (!done && ctx.channel().isActive()) {
                refuse(ctx, "handshake did not complete within " + TIMEOUT_MS + " ms");
            }
        }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PeerMessage msg) {
        if (done) {
            // Already refused and closing: whatever else the peer sent is neither looked at nor counted.
            return;
        }
        if (msg.hasHello() && theirs == null) {
            Hello h = msg.getHello();
            if (h.getProtocolVersion() != Handshake.PROTOCOL_VERSION) {
                refuse(ctx, "protocol version " + h.getProtocolVersion() + " is not " + Handshake.PROTOCOL_VERSION);
            } else if (!h.getStore().equals(mine.getStore())) {
                refuse(ctx, "node " + h.getNode() + " belongs to store '" + h.getStore() + "', not '" + mine.getStore() + "'");
            } else if (h.getNode().equals(mine.getNode())) {
                refuse(ctx, "a link to itself (node " + h.getNode() + ")");
            } else if (h.getNonce().size() != 32) {
                refuse(ctx, "hello without a 32-byte nonce");
            } else {
                theirs = h;
                byte[] binding = PeerTls.binding(ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class), initiator);
                byte[] proof = initiator ? handshake.proof(true, mine, theirs, binding) : handshake.proof(false, theirs, mine, binding);
                ctx.writeAndFlush(PeerMessage.newBuilder().setProof(Proof.newBuilder().setMac(ByteString.copyFrom(proof))).build());
            }
        } else if (msg.hasProof() && theirs != null && !done) {
            byte[] proof = msg.getProof().getMac().toByteArray();
            byte[] binding = PeerTls.binding(ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class), initiator);
            boolean ok = initiator ? handshake.verify(proof, false, mine, theirs, binding)
                    : handshake.verify(proof, true, theirs, mine, binding);
            if (!ok) {
                refuse(ctx, "node " + theirs.getNode() + " failed the store-key proof");
                return;
            }
            done = true;
            FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
            if (frames != null) {
                frames.handshakeDone();
            }
            ctx.pipeline().remove(this);
            established.accept(ctx, new PeerIdentity(theirs.getNode(), theirs.getIncarnation(), theirs.getRole(), !initiator));
        } else if (msg.hasRefused()) {
            LOG.warn("peer {} refused the link: {}", ctx.channel().remoteAddress(), msg.getRefused().getReason());
            metrics.refused("refused-by-peer");
            ctx.close();
        } else {
            refuse(ctx, "unexpected " + msg.getBodyCase() + " during the handshake");
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        LOG.warn("refusing peer link from {}: {}", ctx.channel().remoteAddress(), reason);
        metrics.refused(reason.contains("store-key") ? "bad-proof" : reason.contains("store '") ? "wrong-store" : "handshake");
        done = true;
        ctx.writeAndFlush(PeerMessage.newBuilder().setRefused(Refused.newBuilder().setReason(reason)).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            // Refused already (and counted): a later bad frame on the closing link adds nothing.
            ctx.close();
            return;
        }
        done = true;
        LOG.warn("peer link {} failed during handshake: {}", ctx.channel().remoteAddress(), cause.toString());
        metrics.refused(FrameErrors.reason(cause));
        ctx.close();
    }
}
