package io.storelog.node.replication;

import com.google.protobuf.ByteString;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.BaseChunk;
import io.storelog.protocol.PeerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a peer this node's base when it lacks entries that are no longer on this disk (archived after
 * headquarters confirmed them), and takes a peer's base the same way. Replication thread only.
 */
final class BaseTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(BaseTransfer.class);
    private static final int CHUNK_BYTES = 1 << 20;

    private final MergedLog log;
    /** When the base was last sent on each link; a peer that still lacks it a while later (it could not take it then) gets it again. */
    private final Map<PeerSession, Long> sentAt = new WeakHashMap<>();
    private static final long RESEND_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    /** Per link, how many bytes of an incoming base have arrived. */
    private final Map<PeerSession, Long> receiving = new WeakHashMap<>();

    BaseTransfer(MergedLog log) {
        this.log = log;
    }

    /** After a peer's vector: if it lacks entries gone from this disk, stream the base to it. */
    void offerIfNeeded(PeerSession session) {
        Long last = sentAt.get(session);
        if (last != null && System.nanoTime() - last < RESEND_AFTER_NANOS) {
            return;
        }
        VersionVector gone = log.notOnDisk();
        VersionVector theirs = session.theirHeld();
        boolean lacks = gone.asMap().entrySet().stream().anyMatch(e -> theirs.get(e.getKey()) < e.getValue());
        if (!lacks) {
            return;
        }
        Path base = log.baseForPeers();
        if (base == null) {
            return;
        }
        sentAt.put(session, System.nanoTime());
        try (InputStream in = Files.newInputStream(base)) {
            long total = Files.size(base);
            long offset = 0;
            byte[] buf = new byte[CHUNK_BYTES];
            while (offset < total) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, total - offset));
                if (n <= 0) {
                    break;
                }
                PeerMessage m = PeerMessage.newBuilder().setBaseChunk(BaseChunk.newBuilder().setTotal(total).setOffset(offset)
                        .setBytes(ByteString.copyFrom(buf, 0, n))).build();
                session.channel.write(FrameEncoder.frame(m, session.channel.alloc()));
                offset += n;
            }
            session.channel.flush();
            LOG.info("sent this node's base ({} bytes) to {}, which lacks entries archived here", total, session.peer.node());
        } catch (IOException e) {
            LOG.warn("could not send the base to {}: {}", session.peer.node(), e.toString());
        }
    }

    /** A chunk of a peer's base arrived; returns true when a whole base was taken into this node's log. */
    boolean receive(PeerSession session, BaseChunk chunk) throws IOException {
        Path incoming = log.incomingBaseFile();
        if (incoming == null) {
            return false;
        }
        long have = receiving.getOrDefault(session, 0L);
        if (chunk.getOffset() != have) {
            // A base from the start again (or a confused peer): begin anew.
            have = 0;
            if (chunk.getOffset() != 0) {
                receiving.remove(session);
                return false;
            }
        }
        try (OutputStream out = Files.newOutputStream(incoming, have == 0
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.APPEND})) {
            chunk.getBytes().writeTo(out);
        }
        have += chunk.getBytes().size();
        if (have < chunk.getTotal()) {
            receiving.put(session, have);
            return false;
        }
        receiving.remove(session);
        try {
            boolean taken = log.installBase(incoming);
            LOG.info("base from {}: {}", session.peer.node(), taken ? "taken" : "not needed");
            return taken;
        } finally {
            Files.deleteIfExists(incoming);
        }
    }
}
