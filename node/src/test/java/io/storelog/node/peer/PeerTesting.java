package io.storelog.node.peer;

import io.micrometer.core.instrument.Counter;
import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.service.BillOutcome;
import io.storelog.node.testing.TestNodes;
import io.storelog.protocol.TenderType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Small helpers shared by the peer tests: linked nodes on loopback, bills, metrics, file hashes. */
final class PeerTesting {
    static final String STORE = "test-store";
    static final String KEY = "peer-test-key";

    private PeerTesting() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts till {@code id} on {@code port}, dialling {@code peerPorts}, with the test store key. */
    static StoreNode start(Path dir, String id, int port, List<Integer> peerPorts, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.PEER_PORT, "" + port);
        o.put(ConfigKeys.PEER_BIND, "127.0.0.1");
        o.put(ConfigKeys.STORE_KEY, KEY);
        o.put(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, "5000");
        if (!peerPorts.isEmpty()) {
            o.put(ConfigKeys.PEER_PEERS, String.join(",", peerPorts.stream().map(p -> "127.0.0.1:" + p).toList()));
        }
        o.putAll(extra);
        return StoreNode.start(TestNodes.till(dir, id, o));
    }

    static long connectedPeers(StoreNode n) {
        return n.replicator().orElseThrow().peers().stream().filter(p -> p.connected()).count();
    }

    static BillOutcome bill(StoreNode n, String cart, String sku, long qtyMilli) throws Exception {
        return n.bills().submit(new BillRequest(cart, List.of(new LineRequest(sku, qtyMilli, null)), null,
                List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, "ann")).get(20, TimeUnit.SECONDS);
    }

    static String digest(StoreNode n) {
        return n.state().digest(n.log()::versionVector).digest();
    }

    static VersionVector vv(StoreNode n) {
        return n.log().versionVector();
    }

    /** Sum of a counter over all its tags (0 when never registered). */
    static double counter(StoreNode n, String name) {
        return n.meters().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A counter with one tag value (0 when never registered). */
    static double counter(StoreNode n, String name, String tag, String value) {
        Counter c = n.meters().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static double gauge(StoreNode n, String name) {
        var g = n.meters().find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    /** SHA-256 and size of every file under {@code dir}, by relative path. */
    static Map<String, String> hashFiles(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                out.put(dir.relativize(f).toString(), bytes.length + ":"
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static void closeAll(List<StoreNode> nodes) {
        for (StoreNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // Keep closing the others.
            }
        }
    }
}
