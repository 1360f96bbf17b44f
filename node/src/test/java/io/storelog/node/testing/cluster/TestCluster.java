package io.storelog.node.testing.cluster;

import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.state.StateDigest;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A store of N real {@link StoreNode}s in this JVM, on loopback, each with its own data directory,
 * every peer link running through a {@link FaultProxy} so a test can cut and heal links, stop, kill,
 * restart and wipe nodes, and wait until all running nodes hold the same log and state.
 *
 * <p>Wiring: each node listens for peers on a port fixed for the cluster's life (so it can restart
 * on it). For every linked pair (i, j) there is a proxy per dialling direction: node i dials
 * {@code proxy(i->j)}, which relays to j's peer port. By default both nodes of a pair dial (the
 * replicator keeps one link of the two, which this exercises); {@link Builder#oneWay()} makes only the
 * lower index dial. {@link #partition(int, int)} resets the pair's relayed connections and makes its
 * proxies refuse new ones until {@link #heal(int, int)}; {@link #silence(int, int)} is a pulled cable
 * instead: bytes and closes are held, nobody is told, until the heal lets them go on in order.
 *
 * <p>{@link #kill(int)} is the in-JVM stand-in for a crash: it resets every link of the node at the
 * proxies first (peers see the connection die, not a goodbye), then closes the node. A JVM cannot
 * SIGKILL a part of itself and the log's close drains the writer, so nothing un-fsynced is lost
 * here; tests that need a real SIGKILL run the node with {@link ProcessNode}.
 *
 * <p>Every wait throws an {@link AssertionError} carrying {@link #dump()}: each node's status, version
 * vector, digest and peers, and each proxy's counters.
 */
public final class TestCluster implements AutoCloseable {
    /** The store key every node of the cluster shares. */
    public static final String STORE_KEY = "test-store-key";

    private final Path dir;
    private final Path catalog;
    private final List<Member> members = new ArrayList<>();
    /** Unordered linked pairs as "min:max". */
    private final Set<String> links;
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Set<Integer> severed = ConcurrentHashMap.newKeySet();
    private final Map<String, String> commonOverrides;
    private final Map<Integer, Map<String, String>> nodeOverrides;

    private TestCluster(Builder b) {
        this.dir = b.dir;
        this.links = b.linkKeys();
        this.commonOverrides = Map.copyOf(b.overrides);
        this.nodeOverrides = Map.copyOf(b.nodeOverrides);
        this.catalog = writeCatalog(dir);
        for (int i = 0; i < b.nodes; i++) {
            members.add(new Member(i, b.prefix + i, dir.resolve(b.prefix + i), fixedPort()));
        }
        for (String link : links) {
            int i = Integer.parseInt(link.split(":")[0]);
            int j = Integer.parseInt(link.split(":")[1]);
            addProxy(i, j);
            if (!b.oneWay) {
                addProxy(j, i);
            }
        }
    }

    /** A builder for a cluster whose data directories live under {@code dir} (a @TempDir). */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    // ---- topology ----

    private void addProxy(int from, int to) {
        Member target = members.get(to);
        String key = from + ">" + to;
        proxies.put(key, new FaultProxy(members.get(from).name + ">" + target.name, target.peerPort,
                () -> !cut.contains(pair(from, to)) && !severed.contains(from) && !severed.contains(to),
                () -> silent.contains(pair(from, to)) && !severed.contains(from) && !severed.contains(to)));
    }

    private static String pair(int i, int j) {
        return Math.min(i, j) + ":" + Math.max(i, j);
    }

    private List<FaultProxy> proxiesOf(int i, int j) {
        return Stream.of(proxies.get(i + ">" + j), proxies.get(j + ">" + i)).filter(Objects::nonNull).toList();
    }

    private List<FaultProxy> proxiesOf(int i) {
        List<FaultProxy> out = new ArrayList<>();
        for (int j = 0; j < members.size(); j++) {
            if (j != i) {
                out.addAll(proxiesOf(i, j));
            }
        }
        return out;
    }

    /** Whether nodes i and j are configured as peers (cut or not). */
    public boolean linked(int i, int j) {
        return links.contains(pair(i, j));
    }

    /** Cuts the link between i and j: relayed connections are reset, new ones refused until healed. */
    public void partition(int i, int j) {
        cut.add(pair(i, j));
        proxiesOf(i, j).forEach(FaultProxy::dropAll);
    }

    /**
     * Pulls the cable between i and j: nothing goes through either way and no close either (no FIN, no
     * RST), so each node finds out only by its own timeouts. {@link #heal(int, int)} plugs it back: bytes
     * held meanwhile go on in order, as TCP would deliver them.
     */
    public void silence(int i, int j) {
        silent.add(pair(i, j));
    }

    /** Lets i and j connect again (each dialler finds out on its next reconnect attempt); ends a silence. */
    public void heal(int i, int j) {
        cut.remove(pair(i, j));
        if (silent.remove(pair(i, j))) {
            proxiesOf(i, j).forEach(FaultProxy::wake);
        }
    }

    /** Cuts every link of node i. */
    public void isolate(int i) {
        for (int j = 0; j < members.size(); j++) {
            if (j != i) {
                partition(i, j);
            }
        }
    }

    /** Heals every cut or silent link. */
    public void healAll() {
        cut.clear();
        silent.clear();
        proxies.values().forEach(FaultProxy::wake);
    }

    /** Whether the link between i and j is silent. */
    public boolean isSilent(int i, int j) {
        return silent.contains(pair(i, j));
    }

    /** Whether the link between i and j is cut. */
    public boolean isPartitioned(int i, int j) {
        return cut.contains(pair(i, j));
    }

    // ---- node life ----

    /** Starts every node (in index order) and returns this cluster. */
    public TestCluster startAll() {
        for (int i = 0; i < members.size(); i++) {
            start(i);
        }
        return this;
    }

    /** Starts node i on its data directory (new or not); it must not be running. */
    public StoreNode start(int i) {
        Member m = members.get(i);
        synchronized (m) {
            if (m.node != null) {
                throw new IllegalStateException(m.name + " is already running");
            }
            StoreNode node = StoreNode.start(config(i));
            m.node = node;
            m.incarnations.add(node.log().origin());
            m.starts++;
            return node;
        }
    }

    /** Closes node i gracefully (no-op when it is not running). */
    public void stop(int i) {
        Member m = members.get(i);
        synchronized (m) {
            StoreNode node = m.node;
            m.node = null;
            if (node != null) {
                node.close();
            }
        }
    }

    /**
     * Crashes node i as far as a JVM can crash a part of itself: every peer connection of the node is
     * reset at the proxies first (no goodbye, bytes in flight lost), then the node is closed.
     */
    public void kill(int i) {
        Member m = members.get(i);
        synchronized (m) {
            severed.add(i);
            try {
                proxiesOf(i).forEach(FaultProxy::dropAll);
                StoreNode node = m.node;
                m.node = null;
                if (node != null) {
                    node.close();
                }
            } finally {
                severed.remove(i);
            }
        }
    }

    /** Starts node i again on the same data directory, stopping it first if it runs. */
    public StoreNode restart(int i) {
        stop(i);
        return start(i);
    }

    /** Kills node i if it runs, deletes its data directory and starts it as a new incarnation. */
    public StoreNode wipe(int i) {
        kill(i);
        deleteTree(members.get(i).dataDir);
        return start(i);
    }

    /** Whether node i runs. */
    public boolean isRunning(int i) {
        return members.get(i).node != null;
    }

    /** The running node i. */
    public StoreNode node(int i) {
        StoreNode n = members.get(i).node;
        if (n == null) {
            throw new IllegalStateException(members.get(i).name + " is not running");
        }
        return n;
    }

    /** Node i if it runs, else null (for client threads racing a fault thread). */
    public StoreNode nodeOrNull(int i) {
        return members.get(i).node;
    }

    /** An HTTP client of running node i. */
    public ApiClient api(int i) {
        return new ApiClient(node(i).httpPort());
    }

    /** Node i's name (its till name: bill numbers follow it). */
    public String name(int i) {
        return members.get(i).name;
    }

    /** Node i's data directory. */
    public Path dataDir(int i) {
        return members.get(i).dataDir;
    }

    /** Every incarnation node i has run as, oldest first. */
    public List<String> incarnations(int i) {
        return List.copyOf(members.get(i).incarnations);
    }

    /** Nodes in the cluster. */
    public int size() {
        return members.size();
    }

    /** Indexes of the running nodes. */
    public List<Integer> running() {
        List<Integer> out = new ArrayList<>();
        for (Member m : members) {
            if (m.node != null) {
                out.add(m.index);
            }
        }
        return out;
    }

    /** The config node i starts with. */
    public NodeConfig config(int i) {
        return ConfigLoader.load(java.util.Optional.empty(), overrides(i));
    }

    /**
     * The overrides node i starts with, as text: a {@link ProcessNode} started with these runs on
     * exactly the config the in-JVM node would.
     */
    public Map<String, String> overrides(int i) {
        Member m = members.get(i);
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, m.name);
        o.put(ConfigKeys.STORE_ID, "test-store");
        o.put(ConfigKeys.STORE_KEY, STORE_KEY);
        o.put(ConfigKeys.DATA_DIR, m.dataDir.toString());
        o.put(ConfigKeys.HTTP_PORT, "0");
        o.put(ConfigKeys.PEER_PORT, Integer.toString(m.peerPort));
        o.put(ConfigKeys.PEER_BIND, "127.0.0.1");
        o.put(ConfigKeys.STORE_TIME_ZONE, "Europe/Berlin");
        o.put(ConfigKeys.CATALOG_FILE, catalog.toString());
        String peers = proxies.entrySet().stream().filter(e -> e.getKey().startsWith(i + ">"))
                .map(e -> "127.0.0.1:" + e.getValue().port()).collect(Collectors.joining(","));
        if (!peers.isEmpty()) {
            o.put(ConfigKeys.PEER_PEERS, peers);
        }
        o.putAll(commonOverrides);
        o.putAll(nodeOverrides.getOrDefault(i, Map.of()));
        return o;
    }

    // ---- waiting ----

    /**
     * Waits until every link between running, uncut, linked nodes is up on both ends and every running
     * node takes bills (a fresh node first catches up with every peer it can reach).
     */
    public void awaitLinked(Duration timeout) {
        awaitOrDump("all uncut links up and every node ready", timeout, () -> {
            for (int i : running()) {
                if (!node(i).ready()) {
                    throw new AssertionError(name(i) + " is not ready yet");
                }
                long expected = running().stream().filter(j -> j != i && linked(i, j) && !isPartitioned(i, j)
                        && !isSilent(i, j)).count();
                long connected = peers(i).stream().filter(PeerStatus::connected).count();
                if (connected < expected) {
                    throw new AssertionError(name(i) + " has " + connected + " of " + expected + " links up");
                }
            }
        });
    }

    /** Waits until every node of the cluster takes bills; see {@link #awaitReady(int, Duration)}. */
    public void awaitAllReady(Duration timeout) {
        for (int i = 0; i < members.size(); i++) {
            awaitReady(i, timeout);
        }
    }

    /** Heals every link and starts every node that is down: the whole store back after a run of faults. */
    public void healAndStartAll() {
        healAll();
        for (int i = 0; i < members.size(); i++) {
            if (!isRunning(i)) {
                start(i);
            }
        }
    }

    /** Waits until running node i takes bills (a new incarnation first catches up). */
    public void awaitReady(int i, Duration timeout) {
        awaitOrDump(name(i) + " ready", timeout, () -> {
            if (!node(i).ready()) {
                throw new AssertionError(name(i) + " is not ready");
            }
        });
    }

    /**
     * Waits until all running nodes hold the same version vector and the same state digest, and no
     * connected peer is reported lagging; on timeout fails with {@link #dump()}.
     */
    public void awaitConverged(Duration timeout) {
        awaitOrDump("convergence", timeout, this::assertConverged);
    }

    /** Fails unless all running nodes hold the same version vector and state digest, with no peer lag. */
    public void assertConverged() {
        List<Integer> up = running();
        if (up.isEmpty()) {
            return;
        }
        StateDigest first = digest(up.get(0));
        for (int i : up) {
            StateDigest d = digest(i);
            if (!d.versionVector().equals(first.versionVector())) {
                throw new AssertionError(name(i) + " holds " + d.versionVector() + " but " + name(up.get(0)) + " holds "
                        + first.versionVector());
            }
            if (!d.digest().equals(first.digest()) || d.entries() != first.entries()) {
                throw new AssertionError(name(i) + " has digest " + d.digest() + "/" + d.entries() + " but "
                        + name(up.get(0)) + " has " + first.digest() + "/" + first.entries() + " at the same vector");
            }
            for (PeerStatus p : peers(i)) {
                if (p.connected() && p.lagEntries() != 0) {
                    throw new AssertionError(name(i) + " reports peer " + p.id() + " lagging " + p.lagEntries());
                }
            }
        }
    }

    /** Node i's digest with the vector it reflects (read consistently: the vector is read again after). */
    public StateDigest digest(int i) {
        StoreNode n = node(i);
        for (int attempt = 0; ; attempt++) {
            VersionVector before = n.log().versionVector();
            StateDigest d = n.state().digest(n.log()::versionVector);
            // The index moves before the fold: a digest taken between the two is retried.
            if (d.versionVector().equals(before) && d.versionVector().equals(n.log().versionVector()) || attempt > 20) {
                return d;
            }
        }
    }

    private List<PeerStatus> peers(int i) {
        return node(i).replicator().map(r -> r.peers()).orElse(List.of());
    }

    /** Runs {@code assertions}; a failure carries the cluster dump. */
    public void verify(Runnable assertions) {
        try {
            assertions.run();
        } catch (AssertionError e) {
            AssertionError withDump = new AssertionError(e.getMessage() + "\n" + dump(), e);
            System.err.println(withDump.getMessage());
            throw withDump;
        }
    }

    private void awaitOrDump(String what, Duration timeout, Runnable assertion) {
        try {
            await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsMatching(e -> e instanceof IllegalStateException)
                    .untilAsserted(assertion::run);
        } catch (ConditionTimeoutException e) {
            String d = dump();
            System.err.println("TestCluster: no " + what + " within " + timeout + "\n" + d);
            throw new AssertionError("no " + what + " within " + timeout + ": " + e.getMessage() + "\n" + d, e);
        }
    }

    /** Every node's status, vector, digest and peers, and every proxy's counters, as text. */
    public String dump() {
        StringBuilder sb = new StringBuilder("---- cluster dump ----\n");
        for (Member m : members) {
            StoreNode n = m.node;
            sb.append(m.name).append(" (incarnations ").append(m.incarnations).append(", starts ").append(m.starts).append(")");
            if (n == null) {
                sb.append(": stopped\n");
                continue;
            }
            try {
                StateDigest d = n.state().digest(n.log()::versionVector);
                sb.append(": ready=").append(n.ready()).append(" entries=").append(d.entries()).append(" bills=")
                        .append(n.state().billCount()).append(" digest=").append(d.digest(), 0, 12).append("\n    vv=")
                        .append(d.versionVector()).append('\n');
                for (PeerStatus p : peers(m.index)) {
                    sb.append("    peer ").append(p).append('\n');
                }
            } catch (RuntimeException e) {
                sb.append(": dump failed: ").append(e).append('\n');
            }
        }
        sb.append("cut: ").append(new TreeSet<>(cut)).append(" silent: ").append(new TreeSet<>(silent)).append('\n');
        proxies.values().forEach(p -> sb.append("  ").append(p.describe()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        for (Member m : members) {
            try {
                stop(m.index);
            } catch (RuntimeException e) {
                System.err.println("closing " + m.name + ": " + e);
            }
        }
        proxies.values().forEach(FaultProxy::close);
    }

    // ---- helpers ----

    private static Path writeCatalog(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("cluster-catalog.csv");
            try (Writer w = Files.newBufferedWriter(file)) {
                CatalogCsv.write(TestNodes.CATALOG, w, 2);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A loopback port a node can listen on across restarts. It is taken below the kernel's ephemeral
     * range: a port from that range, free while its node is down, can be taken as the local port of any
     * outgoing connection (a proxy dialling, a node dialling), and the node would not restart on it.
     */
    public static int fixedPort() {
        int low = 32768;
        try {
            // (Files.readString reads a procfs file short: read it by lines.)
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            low = Math.max(10_000, Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException e) {
            // Not Linux: assume the IANA range starts at 49152 or Linux's default.
        }
        int from = Math.max(1024, Math.min(20_000, low - 2_000));
        java.util.Random rnd = new java.util.Random();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = from + rnd.nextInt(Math.max(1, low - from));
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // Taken by someone else: try another.
            }
        }
        return freePort();
    }

    /** A loopback port free right now (from the ephemeral range). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Member {
        final int index;
        final String name;
        final Path dataDir;
        final int peerPort;
        final List<String> incarnations = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile StoreNode node;
        int starts;

        Member(int index, String name, Path dataDir, int peerPort) {
            this.index = index;
            this.name = name;
            this.dataDir = dataDir;
            this.peerPort = peerPort;
        }
    }

    /** Shape and settings of a cluster. */
    public static final class Builder {
        private final Path dir;
        private int nodes = 3;
        private String prefix = "till-";
        private boolean oneWay;
        private final List<int[]> explicitLinks = new ArrayList<>();
        private final Map<String, String> overrides = new HashMap<>();
        private final Map<Integer, Map<String, String>> nodeOverrides = new HashMap<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Number of nodes (default 3). */
        public Builder nodes(int n) {
            this.nodes = n;
            return this;
        }

        /** Node names are this prefix plus the index (default {@code till-}). */
        public Builder namePrefix(String p) {
            this.prefix = p;
            return this;
        }

        /** Only the lower index of a pair dials (default: both dial and the replicator keeps one link). */
        public Builder oneWay() {
            this.oneWay = true;
            return this;
        }

        /** Links only these pairs (default: a full mesh). Call once per pair. */
        public Builder link(int i, int j) {
            explicitLinks.add(new int[] {i, j});
            return this;
        }

        /** A config override for every node. */
        public Builder override(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** A config override for node i only. */
        public Builder override(int i, String key, String value) {
            nodeOverrides.computeIfAbsent(i, k -> new HashMap<>()).put(key, value);
            return this;
        }

        /** replication.ack-timeout-ms for every node. */
        public Builder ackTimeoutMs(int ms) {
            return override(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, Integer.toString(ms));
        }

        /** replication.ack-replicas for every node. */
        public Builder ackReplicas(int n) {
            return override(ConfigKeys.REPLICATION_ACK_REPLICAS, Integer.toString(n));
        }

        /** Builds the cluster (proxies listening) without starting nodes. */
        public TestCluster build() {
            return new TestCluster(this);
        }

        /** Builds the cluster and starts every node. */
        public TestCluster start() {
            TestCluster c = build();
            try {
                return c.startAll();
            } catch (RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }

        Set<String> linkKeys() {
            Set<String> keys = new TreeSet<>();
            if (explicitLinks.isEmpty()) {
                for (int i = 0; i < nodes; i++) {
                    for (int j = i + 1; j < nodes; j++) {
                        keys.add(pair(i, j));
                    }
                }
            } else {
                for (int[] l : explicitLinks) {
                    if (l[0] == l[1] || l[0] < 0 || l[1] < 0 || l[0] >= nodes || l[1] >= nodes) {
                        throw new IllegalArgumentException("bad link " + l[0] + "-" + l[1]);
                    }
                    keys.add(pair(l[0], l[1]));
                }
            }
            return keys;
        }
    }
}
