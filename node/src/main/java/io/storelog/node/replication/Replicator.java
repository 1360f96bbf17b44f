package io.storelog.node.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.storelog.config.HostPort;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.Ack;
import io.storelog.protocol.Heartbeat;
import io.storelog.protocol.HqMark;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.Resend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication of the merged log between the nodes of one store. It listens for peers, dials the
 * configured ones (reconnecting with backoff and jitter), runs the handshake, then keeps every link
 * streaming what the other side lacks: pushes of fresh durable entries, catch-up read from disk in
 * bounded batches under Netty backpressure, relay of every origin, and a version-vector gossip that
 * repairs anything lost. All link state lives on one replication thread; event loops only decode.
 */
public final class Replicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    /**
     * A linked peer that sent nothing for this long is taken as gone and its link closed. Every link
     * hears at least a heartbeat a second, so only a dead node or a pulled cable (no FIN, no RST: TCP
     * would wait minutes) stays silent this long; the leader rule needs to notice within seconds.
     */
    static final long LINK_IDLE_MILLIS = 3_000;
    /** A link that wrote nothing for this long sends a heartbeat. */
    static final long HEARTBEAT_MILLIS = 1_000;
    private static final PeerMessage HEARTBEAT = PeerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();

    private final ReplicationOptions options;
    private final MergedLog log;
    private final ReplicationMetrics metrics;
    private final Handshake handshake;
    private final Supplier<Map<String, Long>> frozenOrigins;
    private final ScheduledExecutorService thread;
    private final EventLoopGroup group;
    /**
     * A fresh append is pushed within milliseconds, so a second's worth covers it. Kept small on purpose: an entry
     * held here outlives a young collection and gets copied, then promoted, then collected as old garbage; with
     * 16,384 entries of ~1.6 KB per node that churn made the young pauses of an 8-node JVM tens of ms long.
     * A peer further behind is sent from the log (page cache), as catch-up always is.
     */
    private final RecentEntries recent = new RecentEntries(1_024);
    private final PeerRequests requests;
    private final BaseTransfer bases;
    /** TLS for peer links when {@code peer.tls} is on, else null. */
    private final PeerTls tls;
    /** Replication thread only. */
    private final Map<String, PeerSession> sessions = new HashMap<>();
    /** Replication thread only: who answered at a configured address. */
    private final Map<HostPort, String> namesByAddress = new HashMap<>();
    /**
     * Replication thread only, while a new incarnation catches up: configured peers it has neither
     * caught up with nor failed to reach. Caught up with one stale peer is not enough when another
     * that may hold this till's last bills is reachable: its number would be used twice.
     */
    private final Set<HostPort> catchUpPending = new java.util.HashSet<>();
    /** Replication thread only: peers (by node name) this new incarnation holds everything of. */
    private final Set<String> caughtUpWith = new java.util.HashSet<>();
    /** Replication thread only: whether this new incarnation has caught up with at least one peer. */
    private boolean caughtUpWithAny;
    /** Replication thread only: configured peers whose last dial failed during the catch-up. */
    private final Set<HostPort> unreachable = new java.util.HashSet<>();
    /**
     * Replication thread only: since when this node has had no link (a link swapped for its duplicate,
     * or a moment's reconnect, leaves it alone briefly: a bill then still waits for an ack).
     */
    private long aloneSinceNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    /** Replication thread only: writes waiting for enough peers to hold them. */
    private final List<ReplicaWaiter> waiters = new ArrayList<>();
    /** Replication thread only: which link streams each origin to this node. */
    private final Map<String, PeerSession> currentSource = new HashMap<>();
    /** Every replica wait not yet answered, whatever thread: close() answers them (false) so no bill waits forever. */
    private final Set<CompletableFuture<Boolean>> replicaWaits = ConcurrentHashMap.newKeySet();
    private final Map<String, PeerStatus> statusView = new ConcurrentHashMap<>();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    /** Set on a channel whose handshake succeeded. */
    private static final io.netty.util.AttributeKey<Boolean> LINKED = io.netty.util.AttributeKey.valueOf("storelog.linked");
    private volatile boolean closed;
    private volatile boolean caughtUp;
    private Channel server;
    /**
     * Every peer channel, in handshake or linked, inbound or dialled: close() closes them itself. Shutting
     * the event loop group down with no quiet period can end a loop before it closed its channels, which
     * left sockets open and unread: peers kept a dead link "connected" and refused the node's new one.
     */
    private final ChannelGroup channels = new DefaultChannelGroup("storelog-peers", GlobalEventExecutor.INSTANCE);

    /**
     * A replicator for {@code log}; {@code frozenOrigins} maps origins in conflict to their lowest
     * disputed seq: entries from there on neither leave nor enter this node.
     */
    public Replicator(ReplicationOptions options, MergedLog log, MeterRegistry meters, Supplier<Map<String, Long>> frozenOrigins) {
        this.options = options;
        this.log = log;
        this.metrics = new ReplicationMetrics(meters);
        this.handshake = new Handshake(options.storeKey());
        this.frozenOrigins = frozenOrigins;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storelog-replication-" + options.node());
            t.setDaemon(true);
            return t;
        });
        this.requests = new PeerRequests(thread);
        this.bases = new BaseTransfer(log);
        this.tls = options.tls() ? new PeerTls(options.node(), options.tlsFiles()) : null;
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Gauge.builder("storelog.replication.peers.connected", statusView,
                v -> v.values().stream().filter(PeerStatus::connected).count()).register(meters);
        Gauge.builder("storelog.replication.lag.entries", statusView,
                v -> v.values().stream().mapToLong(PeerStatus::lagEntries).max().orElse(0)).register(meters);
        log.onDurable(this::onDurable);
    }

    /**
     * Binds the peer port and starts dialling the configured peers. With {@code catchUpFirst} (a new
     * incarnation: wiped or truncated data) {@link #caughtUp()} stays false until this node holds all
     * that every configured peer announced, counting a peer it failed to reach as settled once it
     * caught up with at least one; or until the catch-up wait runs out with no peer to ask.
     */
    public void start(boolean catchUpFirst) {
        caughtUp = !catchUpFirst || options.peers().isEmpty();
        if (!caughtUp) {
            thread.execute(() -> catchUpPending.addAll(options.peers()));
            thread.schedule(() -> {
                if (!caughtUp) {
                    LOG.warn("node {} found no peer to catch up from within {} ms; billing anyway", options.node(),
                            options.catchUpMillis());
                    caughtUp = true;
                }
            }, options.catchUpMillis(), TimeUnit.MILLISECONDS);
        }
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .childHandler(initializer(null))
                .bind(new InetSocketAddress(options.bind(), options.port())).syncUninterruptibly().channel();
        LOG.info("node {} takes peer links on {}", options.node(), server.localAddress());
        for (HostPort peer : options.peers()) {
            statusView.put(peer.toString(), new PeerStatus(peer.toString(), peer.toString(), "", "", false, 0));
            thread.execute(() -> dial(peer, 0));
        }
        thread.scheduleWithFixedDelay(this::gossip, options.gossipMillis(), options.gossipMillis(), TimeUnit.MILLISECONDS);
    }

    /** False while a new incarnation still catches up from its peers (bill numbers must continue, not repeat). */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void checkCaughtUp() {
        if (caughtUp) {
            return;
        }
        for (PeerSession s : sessions.values()) {
            checkCaughtUp(s);
        }
    }

    private void checkCaughtUp(PeerSession session) {
        if (caughtUp) {
            return;
        }
        VersionVector mine = log.versionVector();
        // A frozen origin's disputed entries never travel: waiting for them would never end.
        for (Map.Entry<String, Long> e : travelling(session.theirHeld()).asMap().entrySet()) {
            if (!e.getKey().equals(log.origin()) && mine.get(e.getKey()) < e.getValue()) {
                return;
            }
        }
        if (caughtUpWith.add(session.peer.node())) {
            LOG.info("node {} caught up with {}", options.node(), session.peer.node());
        }
        caughtUpWithAny = true;
        settleCatchUp();
    }

    /** A configured peer could not be reached: it no longer holds up a catch-up, once one peer was caught up with. */
    private void unreachableDuringCatchUp(HostPort peer) {
        if (!caughtUp && !unreachable.contains(peer)) {
            unreachable.add(peer);
            settleCatchUp();
        }
    }

    private void settleCatchUp() {
        if (caughtUp || !caughtUpWithAny) {
            return;
        }
        catchUpPending.removeIf(hp -> caughtUpWith.contains(namesByAddress.get(hp)) || unreachable.contains(hp));
        if (catchUpPending.isEmpty()) {
            LOG.info("node {} caught up with every peer it can reach ({})", options.node(), caughtUpWith);
            caughtUp = true;
        }
    }

    /**
     * Asks the linked peer {@code node} a question only it may answer; fails with a
     * {@link PeerRequestException} when it refuses, is not linked, or does not answer in time.
     */
    public CompletableFuture<byte[]> request(String node, String kind, byte[] payload, long timeoutMillis) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        thread.execute(() -> requests.send(sessions.get(node), node, kind, payload, timeoutMillis, out));
        return out;
    }

    /** Answers peers' requests of {@code kind}: the handler gets the asking node's name and the payload. */
    public void onRequest(String kind, java.util.function.BiFunction<String, byte[], CompletableFuture<byte[]>> handler) {
        requests.register(kind, handler);
    }

    /** The port peers connect to (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every configured or connected peer. */
    public List<PeerStatus> peers() {
        return statusView.values().stream().sorted(java.util.Comparator.comparing(PeerStatus::id)).toList();
    }

    /** Whether any peer link is up. */
    public boolean anyPeerConnected() {
        return statusView.values().stream().anyMatch(PeerStatus::connected);
    }

    /**
     * Completes with true once {@code needed} peers hold (origin, seq) durably, or with false after
     * the configured wait, or at once when no peer is connected (the lane bills on its own disk).
     */
    public CompletableFuture<Boolean> awaitReplicas(String origin, long seq) {
        int needed = options.ackReplicas() - 1;
        if (needed <= 0) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        long started = System.nanoTime();
        // Tracked until complete: close() answers every wait still open, queued or not (shutdownNow drops queued tasks).
        replicaWaits.add(done);
        done.whenComplete((ok, t) -> replicaWaits.remove(done));
        try {
            thread.execute(() -> {
                if (holders(origin, seq) >= needed) {
                    done.complete(true);
                } else if (sessions.isEmpty() && System.nanoTime() - aloneSinceNanos > TimeUnit.MILLISECONDS.toNanos(options.ackTimeoutMillis())) {
                    // Alone for longer than the wait: no peer will answer in time, so do not make the cashier wait.
                    done.complete(false);
                } else {
                    ReplicaWaiter w = new ReplicaWaiter(origin, seq, needed, done);
                    waiters.add(w);
                    thread.schedule(() -> {
                        waiters.remove(w);
                        done.complete(false);
                    }, options.ackTimeoutMillis(), TimeUnit.MILLISECONDS);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            done.complete(false);
        }
        if (closed) {
            done.complete(false);
        }
        return done.whenComplete((ok, t) -> {
            if (Boolean.TRUE.equals(ok)) {
                metrics.replicaWait.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        });
    }

    /**
     * How many linked peers hold (origin, seq) durably, by the vectors they last sent; 0 without links
     * or when the replication thread does not answer within a second (a receipt must not hang on it).
     */
    public int peersHolding(String origin, long seq) {
        try {
            return thread.submit(() -> holders(origin, seq)).get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | java.util.concurrent.RejectedExecutionException e) {
            return 0;
        }
    }

    private int holders(String origin, long seq) {
        int n = 0;
        for (PeerSession s : sessions.values()) {
            if (s.theirHeld().get(origin) >= seq) {
                n++;
            }
        }
        return n;
    }

    // ---- links ----

    /** The pipeline of a link; {@code dialled} is the configured address when this node dialled, else null. */
    private ChannelInitializer<SocketChannel> initializer(HostPort dialled) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                channels.add(ch);
                if (closed) {
                    // close() may have run its sweep before this channel joined the group.
                    ch.close();
                    return;
                }
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.handler(ch.alloc(), dialled != null));
                }
                ch.pipeline()
                        .addLast("frames", new FrameDecoder(options.maxFrameBytes()))
                        .addLast("messages", new MessageDecoder())
                        .addLast("encoder", new FrameEncoder())
                        .addLast("handshake", new HandshakeHandler(dialled != null, handshake, options.store(), options.node(),
                                log.origin(), options.role(), metrics, (ctx, peer) -> established(ctx, peer, dialled)));
            }
        };
    }

    /** Called on the event loop when a handshake succeeded: installs the link handler at once, so no message is missed. */
    private void established(ChannelHandlerContext ctx, PeerIdentity peer, HostPort dialled) {
        ctx.channel().attr(LINKED).set(Boolean.TRUE);
        PeerSession session = new PeerSession(peer, ctx.channel(), metrics, options.maxBatchBytes(), options.maxBatchEntries());
        ctx.pipeline().addLast("idle", new IdleStateHandler(LINK_IDLE_MILLIS, HEARTBEAT_MILLIS, 0, TimeUnit.MILLISECONDS) {
            @Override
            protected void channelIdle(ChannelHandlerContext c, IdleStateEvent evt) {
                if (evt.state() == IdleState.WRITER_IDLE) {
                    // Written here on the event loop, not queued behind a busy replication thread.
                    c.writeAndFlush(FrameEncoder.frame(HEARTBEAT, c.alloc()), c.voidPromise());
                    return;
                }
                LOG.warn("node {}: no message from {} for {} ms; closing the link", options.node(), peer.node(), LINK_IDLE_MILLIS);
                c.close();
            }
        });
        ctx.pipeline().addLast("heartbeats", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                // A heartbeat has done its work by arriving (the idle handler saw it); nothing else to do.
                if (!(msg instanceof PeerMessage m && m.hasHeartbeat())) {
                    c.fireChannelRead(msg);
                }
            }
        });
        ctx.pipeline().addLast("link", new PeerLinkHandler(this, session, metrics));
        thread.execute(() -> {
            if (dialled != null) {
                namesByAddress.put(dialled, peer.node());
                unreachable.remove(dialled);
            }
            register(session);
        });
    }

    private void register(PeerSession session) {
        String node = session.peer.node();
        PeerSession existing = sessions.get(node);
        if (existing != null && existing.channel.isActive()) {
            // Both sides dialled: keep the link dialled by the smaller node name, on both ends alike.
            String newDialler = session.peer.theyDialled() ? node : options.node();
            String oldDialler = existing.peer.theyDialled() ? node : options.node();
            if (!newDialler.equals(oldDialler) && newDialler.compareTo(oldDialler) > 0) {
                session.channel.close();
                return;
            }
            existing.channel.close();
        }
        sessions.put(node, session);
        LOG.info("node {} linked with {} ({}, {})", options.node(), node, session.peer.incarnation(),
                session.peer.theyDialled() ? "inbound" : "outbound");
        send(session, PeerMessage.newBuilder().setVersionVector(vectorWithTips()).build());
        sendHqMark(session);
        reassignWants();
        refreshStatus();
    }

    /** A link went down: forget it (the dialler, if any, reconnects). */
    void onClosed(PeerSession session) {
        thread.execute(() -> {
            if (sessions.get(session.peer.node()) == session) {
                sessions.remove(session.peer.node());
                if (sessions.isEmpty()) {
                    aloneSinceNanos = System.nanoTime();
                }
                LOG.info("node {} lost its link with {}", options.node(), session.peer.node());
                requests.linkClosed(session);
                // Origins this link brought now come from another peer.
                reassignWants();
            }
            refreshStatus();
        });
    }

    private void dial(HostPort peer, int attempt) {
        if (closed) {
            return;
        }
        String known = namesByAddress.get(peer);
        if (known != null && sessions.containsKey(known)) {
            // Already linked (perhaps the peer dialled us); look again later.
            thread.schedule(() -> dial(peer, 0), options.maxBackoffMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
                .handler(initializer(peer))
                .connect(peer.host(), peer.port());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                thread.execute(() -> unreachableDuringCatchUp(peer));
                redial(peer, attempt);
            } else {
                // Back off afresh only after a real link: a peer that answers but refuses the handshake
                // (another store key, another store) is redialled with growing backoff, not 10 times a second.
                f.channel().closeFuture().addListener(c -> {
                    boolean linked = f.channel().hasAttr(LINKED);
                    if (!linked) {
                        thread.execute(() -> unreachableDuringCatchUp(peer));
                    }
                    redial(peer, linked ? 0 : attempt);
                });
            }
        });
    }

    private void redial(HostPort peer, int attempt) {
        if (closed) {
            return;
        }
        long base = Math.min(options.maxBackoffMillis(), options.minBackoffMillis() << Math.min(attempt, 16));
        long jittered = (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        thread.schedule(() -> dial(peer, attempt + 1), Math.max(1, jittered), TimeUnit.MILLISECONDS);
        thread.execute(this::refreshStatus);
    }

    // ---- messages (replication thread) ----

    void onMessage(PeerSession session, PeerMessage msg) {
        thread.execute(() -> {
            try {
                handle(session, msg);
            } catch (StoreLogException e) {
                LOG.warn("closing link to {}: {}", session.peer.node(), e.getMessage());
                metrics.refused("bad-entries");
                session.channel.close();
            } catch (RuntimeException e) {
                LOG.error("closing link to {} after an internal error", session.peer.node(), e);
                session.channel.close();
            }
        });
    }

    private void handle(PeerSession session, PeerMessage msg) {
        if (sessions.get(session.peer.node()) != session) {
            return;
        }
        switch (msg.getBodyCase()) {
            case VERSION_VECTOR -> {
                compareTips(msg.getVersionVector());
                session.onVersionVector(Vectors.fromProto(msg.getVersionVector()));
                bases.offerIfNeeded(session);
                checkCaughtUp();
                checkWaiters();
                reassignWants();
                pump(session);
            }
            case ENTRIES -> receive(session, msg);
            case ACK -> {
                VersionVector held = Vectors.fromProto(msg.getAck().getHeld());
                session.onAck(held);
                checkWaiters();
                // An ack can move a source only when it shows entries this node lacks of an origin whose own
                // node is not linked here (a relay); in a full mesh it cannot, and acks come for every batch.
                if (offersRelayedEntries(held)) {
                    reassignWants();
                }
                pump(session);
            }
            case WANT -> {
                session.onWant(msg.getWant().getOriginsList());
                pump(session);
            }
            case RESEND -> {
                session.onResend(msg.getResend().getOrigin(), msg.getResend().getFromSeq());
                pump(session);
            }
            case REFUSED -> {
                LOG.warn("peer {} closed the link: {}", session.peer.node(), msg.getRefused().getReason());
                session.channel.close();
            }
            case HQ_MARK -> hqMarkSink.accept(session.peer.node(), msg.getHqMark());
            case REQUEST -> requests.handle(session, msg.getRequest());
            case REPLY -> requests.reply(session, msg.getReply());
            case BASE_CHUNK -> {
                try {
                    if (bases.receive(session, msg.getBaseChunk())) {
                        // Tell every peer what is held now, so they stream what follows the base.
                        gossip();
                    }
                } catch (java.io.IOException e) {
                    LOG.warn("could not take the base {} sent: {}", session.peer.node(), e.toString());
                }
            }
            case BODY_NOT_SET -> {
                // A kind a newer protocol version added: skipping it keeps mixed-version stores linked.
                metrics.ignoredUnknown.increment();
                LOG.debug("skipping a message of a kind this version does not know from {}", session.peer.node());
            }
            default -> throw new StoreLogException(io.storelog.node.ErrorCode.BAD_REQUEST,
                    "unexpected " + msg.getBodyCase() + " after the handshake");
        }
    }

    /**
     * This node's vector with, per origin, the SHA-256 of the entry at its top seq. Equal vectors do
     * not prove equal logs (a forged origin may have handed two nodes different copies while they
     * were apart); the tips let the other side find out. Frozen origins carry none: known already.
     */
    private io.storelog.protocol.VersionVector vectorWithTips() {
        Map<String, Long> frozen = frozenOrigins.get();
        io.storelog.protocol.VersionVector.Builder b = io.storelog.protocol.VersionVector.newBuilder();
        log.versionVector().asMap().forEach((o, seq) -> {
            io.storelog.protocol.VersionVectorEntry.Builder e = io.storelog.protocol.VersionVectorEntry.newBuilder()
                    .setOrigin(o).setSeq(seq);
            byte[] tip = frozen.containsKey(o) ? null : read(o, seq);
            if (tip != null) {
                e.setTipSha256(com.google.protobuf.ByteString.copyFrom(MergedLog.Conflict.sha256(tip)));
            }
            b.addEntries(e);
        });
        return b.build();
    }

    /** Compares a peer's tips with the entries held here at the same ids; a difference is a conflict. */
    private void compareTips(io.storelog.protocol.VersionVector theirs) {
        Map<String, Long> frozen = frozenOrigins.get();
        List<MergedLog.Conflict> found = new ArrayList<>();
        for (io.storelog.protocol.VersionVectorEntry e : theirs.getEntriesList()) {
            if (e.getTipSha256().isEmpty() || e.getSeq() >= frozen.getOrDefault(e.getOrigin(), Long.MAX_VALUE)) {
                continue;
            }
            byte[] mine = read(e.getOrigin(), e.getSeq());
            if (mine == null) {
                continue;
            }
            byte[] mineSha = MergedLog.Conflict.sha256(mine);
            byte[] theirSha = e.getTipSha256().toByteArray();
            if (!java.util.Arrays.equals(mineSha, theirSha)) {
                found.add(new MergedLog.Conflict(e.getOrigin(), e.getSeq(), mineSha, theirSha));
            }
        }
        if (!found.isEmpty()) {
            metrics.conflicts.increment(found.size());
            conflictSink.accept(found);
        }
    }

    /**
     * Decides, per origin, which one linked peer streams it to this node: the origin's own node when
     * linked; else the current source while it still has something this node lacks; else the peer
     * holding the most of it (ties to the smaller name). Tells each peer when its share changes.
     * Asking one peer per origin keeps a full mesh from delivering every entry once per peer.
     */
    private void reassignWants() {
        VersionVector mine = log.versionVector();
        Map<String, Long> frozen = frozenOrigins.get();
        java.util.Set<String> origins = new java.util.TreeSet<>();
        for (PeerSession s : sessions.values()) {
            origins.addAll(s.theirHeld().asMap().keySet());
        }
        Map<PeerSession, java.util.SortedSet<String>> asks = new HashMap<>();
        for (PeerSession s : sessions.values()) {
            asks.put(s, new java.util.TreeSet<>());
        }
        for (String o : origins) {
            if (o.equals(log.origin()) || frozen.containsKey(o)) {
                continue;
            }
            PeerSession source = ownNodeLink(o);
            if (source == null) {
                PeerSession current = currentSource.get(o);
                if (current != null && sessions.get(current.peer.node()) == current
                        && current.theirHeld().get(o) > mine.get(o)) {
                    source = current;
                }
            }
            if (source == null) {
                for (PeerSession s : sessions.values()) {
                    if (source == null || s.theirHeld().get(o) > source.theirHeld().get(o)
                            || (s.theirHeld().get(o) == source.theirHeld().get(o) && s.peer.node().compareTo(source.peer.node()) < 0)) {
                        source = s;
                    }
                }
            }
            currentSource.put(o, source);
            if (!o.equals(source.peer.incarnation())) {
                asks.get(source).add(o);
            }
        }
        asks.forEach((s, want) -> {
            if (!want.equals(s.asked)) {
                s.asked = java.util.Set.copyOf(want);
                send(s, PeerMessage.newBuilder().setWant(io.storelog.protocol.Want.newBuilder().addAllOrigins(want)).build());
            }
        });
    }

    /** Whether {@code held} has entries this node lacks of an origin (not frozen) whose own node has no link here. */
    private boolean offersRelayedEntries(VersionVector held) {
        Map<String, Long> frozen = frozenOrigins.get();
        VersionVector mine = log.versionVector();
        for (Map.Entry<String, Long> e : held.asMap().entrySet()) {
            String o = e.getKey();
            if (o.equals(log.origin()) || frozen.containsKey(o) || e.getValue() <= mine.get(o)) {
                continue;
            }
            if (ownNodeLink(o) == null) {
                return true;
            }
        }
        return false;
    }

    /** The link to the node that writes {@code origin} (its current incarnation), or null when that node is not linked. */
    private PeerSession ownNodeLink(String origin) {
        for (PeerSession s : sessions.values()) {
            if (s.peer.incarnation().equals(origin)) {
                return s;
            }
        }
        return null;
    }

    private void receive(PeerSession session, PeerMessage msg) {
        List<byte[]> entries = new ArrayList<>(msg.getEntries().getEntriesCount());
        long bytes = 0;
        for (com.google.protobuf.ByteString b : msg.getEntries().getEntriesList()) {
            byte[] e = b.toByteArray();
            entries.add(e);
            bytes += e.length;
        }
        metrics.batchesReceived.increment();
        metrics.entriesReceived.increment(entries.size());
        metrics.bytesReceived.increment(bytes);
        metrics.batchEntries.record(entries.size());
        Map<String, Long> frozen = frozenOrigins.get();
        if (!frozen.isEmpty()) {
            entries.removeIf(e -> isFrozen(e, frozen));
        }
        MergedLog.Offer offer = log.offer(entries);
        metrics.duplicates.increment(offer.duplicates());
        for (MergedLog.Gap gap : offer.gaps()) {
            metrics.gaps.increment();
            send(session, PeerMessage.newBuilder().setResend(Resend.newBuilder().setOrigin(gap.origin()).setFromSeq(gap.fromSeq())).build());
        }
        if (!offer.conflicts().isEmpty()) {
            metrics.conflicts.increment(offer.conflicts().size());
            conflictSink.accept(offer.conflicts());
        }
        offer.durable().whenComplete((ok, failure) -> {
            // Sent by the thread that made the batch durable (a link takes writes from any thread): the peer's
            // cashier waits for this ack, and a hop through the replication thread first cost a wake-up per batch.
            if (failure == null && session.channel.isActive()) {
                send(session, PeerMessage.newBuilder().setAck(Ack.newBuilder().setHeld(Vectors.toProto(log.versionVector()))).build());
            }
            if (!caughtUp) {
                // Entries of one origin come over one link; they may complete what another peer announced.
                thread.execute(this::checkCaughtUp);
            }
        });
    }

    private java.util.function.Consumer<List<MergedLog.Conflict>> conflictSink = c -> { };
    private volatile java.util.function.BiConsumer<String, HqMark> hqMarkSink = (node, mark) -> { };
    private volatile Supplier<HqMark> hqMarkSource = () -> null;

    /**
     * Soft state about headquarters: {@code source} is asked for this node's mark at every gossip and
     * on every new link; {@code sink} gets each peer's mark (peer node id, mark) on the replication thread.
     */
    public void hqMarks(Supplier<HqMark> source, java.util.function.BiConsumer<String, HqMark> sink) {
        this.hqMarkSource = source;
        this.hqMarkSink = sink;
    }

    private void sendHqMark(PeerSession s) {
        // A write on a closed link fails into the pipeline as a link error; soft state is not worth one.
        HqMark mark = s.channel.isActive() ? hqMarkSource.get() : null;
        if (mark != null) {
            send(s, PeerMessage.newBuilder().setHqMark(mark).build());
        }
    }

    /** Where evidence of two different entries under one id goes (the conflict handling of the node). */
    public void onConflicts(java.util.function.Consumer<List<MergedLog.Conflict>> sink) {
        this.conflictSink = sink;
    }

    private static boolean isFrozen(byte[] entry, Map<String, Long> frozen) {
        try {
            io.storelog.protocol.Entry e = io.storelog.protocol.Entry.parseFrom(entry);
            return e.getSeq() >= frozen.getOrDefault(e.getOrigin(), Long.MAX_VALUE);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // Left in: the log refuses the whole batch and names the bad entry.
            return false;
        }
    }

    private void onDurable(List<MergedLog.Durable> batch) {
        for (MergedLog.Durable d : batch) {
            recent.put(d.origin(), d.seq(), d.bytes());
        }
        schedulePump();
    }

    /** Asks the replication thread to send whatever peers lack (coalesced). */
    void schedulePump() {
        if (pumpScheduled.compareAndSet(false, true) && !closed) {
            thread.execute(() -> {
                pumpScheduled.set(false);
                sessions.values().forEach(this::pump);
            });
        }
    }

    private void pump(PeerSession session) {
        boolean more = session.pump(log.origin(), log.versionVector(), frozenOrigins.get(), this::read, options.pumpBudgetBytes());
        if (more && session.channel.isWritable()) {
            // Budget used up: yield to other links and messages, then go on.
            schedulePump();
        }
    }

    private byte[] read(String origin, long seq) {
        byte[] b = recent.get(origin, seq);
        return b != null ? b : log.readBytes(origin, seq);
    }

    private void gossip() {
        PeerMessage vv = PeerMessage.newBuilder().setVersionVector(vectorWithTips()).build();
        HqMark mark = sessions.isEmpty() ? null : hqMarkSource.get();
        PeerMessage markMessage = mark == null ? null : PeerMessage.newBuilder().setHqMark(mark).build();
        for (PeerSession s : sessions.values()) {
            send(s, vv);
            if (markMessage != null && s.channel.isActive()) {
                send(s, markMessage);
            }
        }
        refreshStatus();
    }

    private void checkWaiters() {
        for (Iterator<ReplicaWaiter> it = waiters.iterator(); it.hasNext(); ) {
            ReplicaWaiter w = it.next();
            if (holders(w.origin(), w.seq()) >= w.needed()) {
                it.remove();
                w.done().complete(true);
            }
        }
    }

    /** {@code v} without what never travels: a frozen origin's entries from its disputed seq on. */
    private VersionVector travelling(VersionVector v) {
        Map<String, Long> frozen = frozenOrigins.get();
        if (frozen.isEmpty()) {
            return v;
        }
        Map<String, Long> capped = new HashMap<>(v.asMap());
        frozen.forEach((origin, disputed) -> capped.computeIfPresent(origin, (o, seq) -> Math.min(seq, disputed - 1)));
        return VersionVector.of(capped);
    }

    private void refreshStatus() {
        // A peer's lag counts only what it can still get.
        VersionVector mine = travelling(log.versionVector());
        Map<String, PeerStatus> next = new HashMap<>();
        for (HostPort addr : options.peers()) {
            String name = namesByAddress.get(addr);
            if (name == null) {
                next.put(addr.toString(), new PeerStatus(addr.toString(), addr.toString(), "", "", false, 0));
            }
        }
        for (PeerSession s : sessions.values()) {
            next.put(s.peer.node(), new PeerStatus(s.peer.node(), s.channel.remoteAddress().toString(), s.peer.incarnation(),
                    s.peer.role(), s.channel.isActive(), s.lag(mine)));
        }
        for (Map.Entry<HostPort, String> e : namesByAddress.entrySet()) {
            if (!next.containsKey(e.getValue()) && options.peers().contains(e.getKey())) {
                next.put(e.getValue(), new PeerStatus(e.getValue(), e.getKey().toString(), "", "", false, 0));
            }
        }
        statusView.keySet().retainAll(next.keySet());
        statusView.putAll(next);
    }

    private static void send(PeerSession s, PeerMessage m) {
        // Not the void promise: a write that meets a link closed meanwhile would fire a ClosedChannelException
        // into the pipeline, and the link handler would count it as one more rejected peer.
        s.channel.writeAndFlush(FrameEncoder.frame(m, s.channel.alloc()));
    }

    /** Live sessions, for tests and status (replication thread snapshot). */
    Collection<PeerSession> sessionsSnapshot() {
        return List.copyOf(sessions.values());
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        thread.shutdownNow();
        // The bills are durable here; no peer is known to hold them.
        replicaWaits.forEach(w -> w.complete(false));
    }

    private record ReplicaWaiter(String origin, long seq, int needed, CompletableFuture<Boolean> done) {
    }
}
