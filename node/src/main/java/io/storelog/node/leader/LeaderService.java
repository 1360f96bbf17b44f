package io.storelog.node.leader;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storelog.config.NodeConfig;
import io.storelog.config.Secret;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.StoreState;
import io.storelog.node.tls.HqTrust;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store node's side of headquarters: who leads (see {@link LeaderRule}), the upload and catalog
 * loop when this node leads and hq.url is set, and the HQ-confirmed mark every node keeps as soft
 * state from gossip. Leadership only decides who does the work; correctness rests on headquarters
 * deduplicating, so a wrong or doubled leader costs bandwidth, never a bill.
 */
public final class LeaderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderService.class);
    /** As long as a silent peer takes to be dropped (the replicator's link idle timeout). */
    private static final long STARTUP_GRACE_MILLIS = 3_000;

    private final String nodeId;
    private final String role;
    private final MergedLog log;
    private final Optional<Replicator> replicator;
    private final UploadSettings settings;
    private final HqMarks marks = new HqMarks();
    private final LaneMarks lanes;
    private final ScheduledExecutorService thread;
    private final ExecutorService http;
    private final HqUploader uploader;
    private volatile String lastLeader;
    private final long startedNanos = System.nanoTime();

    private LeaderService(NodeConfig config, MergedLog log, StoreState state, Optional<Replicator> replicator,
            UploadSettings settings) {
        this.nodeId = config.node().id();
        this.role = config.role().text();
        this.log = log;
        this.replicator = replicator;
        this.settings = settings;
        this.lanes = new LaneMarks(log);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storelog-leader-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        if (config.hq().url().isPresent()) {
            AtomicInteger n = new AtomicInteger();
            this.http = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "storelog-hq-http-" + nodeId + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            HqClient client = new HqClient(config.hq().url().get(), config.store().id(), config.hq().token().map(Secret::value),
                    http, settings.connectTimeout(), settings.requestTimeout(),
                    HqTrust.context(config.hq().tlsTrust(), config.hq().tlsPin()));
            this.uploader = new HqUploader(nodeId, client, log, marks, new CatalogPuller(log, state), this::shouldUpload, settings,
                    thread);
        } else {
            this.http = null;
            this.uploader = null;
        }
    }

    /** Starts leader tracking (and, with hq.url set, the upload loop) for a node; its gauges go to {@code meters}. */
    public static LeaderService start(NodeConfig config, MergedLog log, StoreState state, Optional<Replicator> replicator,
            MeterRegistry meters) {
        return start(config, log, state, replicator, meters, UploadSettings.defaults());
    }

    /** As {@link #start(NodeConfig, MergedLog, StoreState, Optional, MeterRegistry)} with other timings. */
    public static LeaderService start(NodeConfig config, MergedLog log, StoreState state, Optional<Replicator> replicator,
            MeterRegistry meters, UploadSettings settings) {
        LeaderService s = new LeaderService(config, log, state, replicator, settings);
        Gauge.builder("storelog.hq.pending.entries", s, x -> x.marks.confirmed().lagBehind(x.log.versionVector()))
                .description("entries this node holds that headquarters has not confirmed").register(meters);
        Gauge.builder("storelog.hq.reachable", s, x -> x.reachable() ? 1 : 0)
                .description("1 when this node or a peer reached headquarters recently").register(meters);
        Gauge.builder("storelog.hq.leader", s, x -> x.isLeader() ? 1 : 0)
                .description("1 when this node leads the store (uploads, pulls the catalog)").register(meters);
        FunctionCounter.builder("storelog.hq.uploaded.entries", s, LeaderService::entriesUploaded)
                .description("entries this node sent to headquarters and had answered").register(meters);
        replicator.ifPresent(r -> r.hqMarks(() -> s.marks.toMark(s.leader()), s.marks::onPeerMark));
        s.lastLeader = s.leader();
        s.thread.scheduleWithFixedDelay(s::watch, settings.leaderCheckMillis(), settings.leaderCheckMillis(), TimeUnit.MILLISECONDS);
        if (s.uploader != null) {
            s.uploader.start();
        }
        return s;
    }

    /** The leader as this node sees it now: itself and its linked peers, role server first, then the smallest id. */
    public String leader() {
        List<LeaderRule.Candidate> reachable = new ArrayList<>();
        for (PeerStatus p : linkedPeers()) {
            reachable.add(new LeaderRule.Candidate(p.id(), p.role()));
        }
        return LeaderRule.choose(new LeaderRule.Candidate(nodeId, role), reachable);
    }

    /** Whether this node leads. */
    public boolean isLeader() {
        return nodeId.equals(leader());
    }

    /**
     * Whether to do the leader's work now. Right after start the node has not met its peers yet and
     * would see itself as leader; it waits until every configured peer was linked or the time a dead
     * peer takes to be noticed has passed, so a store starting up does not upload from every node at once.
     */
    private boolean shouldUpload() {
        if (!isLeader()) {
            return false;
        }
        if (System.nanoTime() - startedNanos >= TimeUnit.MILLISECONDS.toNanos(STARTUP_GRACE_MILLIS)) {
            return true;
        }
        return replicator.map(r -> r.peers().stream().allMatch(PeerStatus::connected)).orElse(true);
    }

    private List<PeerStatus> linkedPeers() {
        return replicator.map(r -> r.peers().stream().filter(PeerStatus::connected).toList()).orElse(List.of());
    }

    /** Logs leader changes and forgets what unlinked peers said; runs on the leader thread. */
    private void watch() {
        try {
            List<PeerStatus> linked = linkedPeers();
            Set<String> ids = new HashSet<>();
            linked.forEach(p -> ids.add(p.id()));
            marks.retainPeers(ids);
            String now = leader();
            if (!now.equals(lastLeader)) {
                LOG.info("node {} sees {} as leader (was {})", nodeId, now, lastLeader);
                lastLeader = now;
            }
        } catch (RuntimeException e) {
            LOG.warn("leader check failed", e);
        }
    }

    /** What /api/status shows about headquarters. */
    public HqStatus status() {
        VersionVector confirmed = marks.confirmed();
        VersionVector mine = log.versionVector();
        long ago = marks.millisSinceReached();
        return new HqStatus(reachable(), confirmed.lagBehind(mine), confirmed, ago, uploader != null,
                uploader != null && uploader.leading(), uploader == null ? null : uploader.lastError(),
                lanes.marks(confirmed, mine), marks.leaderViews());
    }

    private boolean reachable() {
        long ago = marks.millisSinceReached();
        return ago >= 0 && ago <= settings.reachableMillis();
    }

    /** Milliseconds since any node known here last reached headquarters, or -1 if none ever did (as gossiped, soft state). */
    public long hqLastContactMsAgo() {
        return marks.millisSinceReached();
    }

    /** The version vector headquarters has confirmed, as far as this node knows. */
    public VersionVector hqConfirmed() {
        return marks.confirmed();
    }

    /** Entries sent to headquarters by this node (counted when HQ answered), for tests and metrics. */
    public long entriesUploaded() {
        return uploader == null ? 0 : uploader.entriesSent();
    }

    @Override
    public void close() {
        if (uploader != null) {
            uploader.close();
        }
        thread.shutdownNow();
        if (http != null) {
            http.shutdownNow();
        }
    }

    /**
     * This node's view of headquarters.
     *
     * @param reachable        this node or a peer reached HQ within the reachable window
     * @param pendingEntries   entries this node holds that HQ has not confirmed
     * @param confirmed        what HQ has confirmed (soft state, the maximum heard)
     * @param lastContactMsAgo since anyone known here reached HQ, -1 if never
     * @param configured       hq.url is set on this node
     * @param uploading        this node leads and talks to HQ
     * @param lastError        why this node's last attempt failed, or null
     * @param lanes            till name -> highest bill number HQ holds with every bill of that till up to it
     * @param leaderViews      peer id -> the leader that peer sees
     */
    public record HqStatus(boolean reachable, long pendingEntries, VersionVector confirmed, long lastContactMsAgo,
            boolean configured, boolean uploading, String lastError, Map<String, Long> lanes, Map<String, String> leaderViews) {
    }
}
