package io.storelog.console.bench.replicate;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.replication.PeerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * N real store nodes in this JVM, a full mesh of peer links on loopback (every node dials every other;
 * the replicator keeps one link per pair), each on its own data directory and a peer port fixed for the
 * cluster's life so a stopped node restarts where its peers dial it. The catalog file is configured on
 * node 0 only: the others get it by replication.
 */
public final class StoreCluster implements AutoCloseable {
    public static final String STORE = "bench-store";
    public static final String STORE_KEY = "bench-store-key";

    private final Path dir;
    private final Path catalog;
    private final int ackTimeoutMs;
    private final String[] names;
    private final int[] ports;
    private final StoreNode[] nodes;
    /** Further config every node starts with (a benchmark's own settings). */
    private final Map<String, String> extra = new HashMap<>();

    /** A cluster of {@code size} nodes under {@code dir} (not started). */
    public StoreCluster(Path dir, int size, Path catalog, int ackTimeoutMs) {
        this.dir = dir;
        this.catalog = catalog;
        this.ackTimeoutMs = ackTimeoutMs;
        this.names = new String[size];
        this.ports = new int[size];
        this.nodes = new StoreNode[size];
        for (int i = 0; i < size; i++) {
            names[i] = String.format("till-%02d", i + 1);
            ports[i] = Ports.fixed();
        }
    }

    /** A config override for every node started after this call. */
    public StoreCluster with(String key, String value) {
        extra.put(key, value);
        return this;
    }

    public int size() {
        return nodes.length;
    }

    public String name(int i) {
        return names[i];
    }

    public Path dataDir(int i) {
        return dir.resolve(names[i]);
    }

    /** Starts every node in index order. */
    public void startAll() {
        for (int i = 0; i < nodes.length; i++) {
            start(i);
        }
    }

    /** Starts node i in the mesh on its data directory. */
    public synchronized StoreNode start(int i) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < nodes.length; j++) {
            if (j != i) {
                peers.add("127.0.0.1:" + ports[j]);
            }
        }
        return start(i, ports[i], peers);
    }

    /**
     * Starts node i on its data directory cut off from the store: it listens on a new port no peer knows
     * and dials only addresses where nothing listens, as a lane whose cable was pulled.
     */
    public synchronized StoreNode startCutOff(int i) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < nodes.length - 1; j++) {
            peers.add("127.0.0.1:" + Ports.unreachable());
        }
        return start(i, Ports.fixed(), peers);
    }

    private StoreNode start(int i, int port, List<String> peers) {
        if (nodes[i] != null) {
            throw new IllegalStateException(names[i] + " is already running");
        }
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, names[i]);
        o.put(ConfigKeys.STORE_ID, STORE);
        o.put(ConfigKeys.STORE_KEY, STORE_KEY);
        o.put(ConfigKeys.DATA_DIR, dataDir(i).toAbsolutePath().toString());
        o.put(ConfigKeys.HTTP_PORT, "0");
        o.put(ConfigKeys.PEER_PORT, Integer.toString(port));
        o.put(ConfigKeys.PEER_BIND, "127.0.0.1");
        o.put(ConfigKeys.STORE_TIME_ZONE, "Europe/Berlin");
        o.put(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, Integer.toString(ackTimeoutMs));
        if (!peers.isEmpty()) {
            o.put(ConfigKeys.PEER_PEERS, String.join(",", peers));
        }
        o.putAll(extra);
        if (i == 0) {
            o.put(ConfigKeys.CATALOG_FILE, catalog.toAbsolutePath().toString());
        }
        NodeConfig config = ConfigLoader.load(Optional.empty(), o);
        StoreNode node = StoreNode.start(config);
        nodes[i] = node;
        return node;
    }

    /** Closes node i (no-op when it is not running). */
    public synchronized void stop(int i) {
        StoreNode n = nodes[i];
        nodes[i] = null;
        if (n != null) {
            n.close();
        }
    }

    public synchronized StoreNode node(int i) {
        if (nodes[i] == null) {
            throw new IllegalStateException(names[i] + " is not running");
        }
        return nodes[i];
    }

    /** Every node by index, for a load spread over them; each must be running. */
    public synchronized StoreNode[] nodes() {
        StoreNode[] all = new StoreNode[nodes.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = node(i);
        }
        return all;
    }

    public synchronized boolean running(int i) {
        return nodes[i] != null;
    }

    /** Indexes of the running nodes. */
    public synchronized List<Integer> running() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** Waits until every running node has a live link to every other running node. */
    public void awaitLinked(Duration timeout) {
        await("every link up", timeout, () -> {
            List<Integer> up = running();
            for (int i : up) {
                long connected = node(i).replicator().map(r -> r.peers().stream().filter(PeerStatus::connected).count()).orElse(0L);
                if (connected < up.size() - 1) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until every running node is ready and all hold the same version vector; returns it. */
    public VersionVector awaitConverged(Duration timeout) {
        await("convergence (same version vector on every running node)", timeout, this::converged);
        return node(running().get(0)).log().versionVector();
    }

    private boolean converged() {
        List<Integer> up = running();
        VersionVector first = null;
        for (int i : up) {
            StoreNode n = node(i);
            if (!n.ready()) {
                return false;
            }
            VersionVector v = n.log().versionVector();
            if (first == null) {
                first = v;
            } else if (!first.equals(v)) {
                return false;
            }
        }
        return true;
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + timeout + ":\n" + dump());
            }
            try {
                // Not too often: every look takes each node's index lock, which its replication thread needs too.
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
    }

    /** Each node's readiness, entry count, vector total and peers, for a failure message. */
    public synchronized String dump() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.length; i++) {
            StoreNode n = nodes[i];
            sb.append("  ").append(names[i]);
            if (n == null) {
                sb.append(": stopped\n");
                continue;
            }
            sb.append(": ready=").append(n.ready()).append(" entries=").append(n.log().entries())
                    .append(" vv.total=").append(n.log().versionVector().total()).append(" peers=")
                    .append(n.replicator().map(r -> r.peers().stream().map(p -> p.id() + (p.connected() ? "+" : "-")
                            + "lag" + p.lagEntries()).collect(Collectors.joining(","))).orElse("none"))
                    .append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            try {
                stop(i);
            } catch (RuntimeException e) {
                System.err.println("closing " + names[i] + ": " + e);
            }
        }
    }
}
