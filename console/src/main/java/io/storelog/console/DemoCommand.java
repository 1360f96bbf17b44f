package io.storelog.console;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.hq.HqNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code storelog demo}: a whole chain in miniature in one process: headquarters on an embedded
 * Apache Ignite node publishing the sample catalog, and a store of a server and three tills linked as
 * peers on loopback, whose leader uploads to headquarters. Ctrl-C stops every node cleanly.
 */
@Command(name = "demo", description = "Start headquarters and a demo store (a server and three tills) and print their URLs.",
        mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
    /** Demo store key: fine on loopback, never for a real store. */
    private static final String DEMO_KEY = "demo-store-key";

    @Option(names = "--data", description = "data directory of the demo (default: data/demo)") Path data;
    @Option(names = "--http", description = "first HTTP port; nodes use this and the next three (default 8080)") int http = 8080;
    @Option(names = "--peer-port", description = "first peer port (default 9080)") int peerPort = 9080;
    @Option(names = "--tills", description = "number of tills (default 3)") int tills = 3;
    @Option(names = "--hq-port", description = "HTTP port of headquarters (default 8090)") int hqPort = 8090;

    @Override
    public Integer call() throws InterruptedException {
        if (tills < 1 || tills > 20) {
            throw new UsageException("--tills must be between 1 and 20");
        }
        Path home = Path.of(Optional.ofNullable(System.getenv("STORELOG_HOME")).orElse("."));
        Path catalog = home.resolve("config/demo-catalog.csv");
        if (!Files.isRegularFile(catalog)) {
            throw new UsageException("sample catalog " + catalog + " not found; run from the repository root or set STORELOG_HOME");
        }
        Path dir = data != null ? data : home.resolve("data/demo");
        List<String> names = new ArrayList<>();
        names.add("server");
        for (int i = 1; i <= tills; i++) {
            names.add("till-" + i);
        }
        Path stores = home.resolve("config/examples/stores.csv");
        List<StoreNode> nodes = new ArrayList<>();
        List<HqNode> hq = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            nodes.forEach(StoreNode::close);
            hq.forEach(HqNode::close);
        }, "storelog-demo-shutdown"));
        hq.add(HqNode.start(ConfigLoader.load(Optional.empty(), Map.of(
                ConfigKeys.NODE_ROLE, "hq",
                ConfigKeys.NODE_ID, "hq",
                ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HTTP_PORT, Integer.toString(hqPort),
                ConfigKeys.HQ_STORES_FILE, stores.toString(),
                ConfigKeys.CATALOG_FILE, catalog.toString()))));
        for (int i = 0; i < names.size(); i++) {
            nodes.add(StoreNode.start(config(names.get(i), i, names.size(), dir)));
        }
        System.out.println("StoreLog demo is running (Ctrl-C stops it):");
        System.out.printf("  %-8s headquarters http://127.0.0.1:%d/api/hq/stores   (embedded Apache Ignite)%n", "hq",
                hq.get(0).httpPort());
        for (int i = 0; i < nodes.size(); i++) {
            String base = "http://127.0.0.1:" + nodes.get(i).httpPort();
            System.out.printf("  %-8s till screen %s/   dashboard %s/dashboard   API %s/api/status%n", names.get(i), base, base, base);
        }
        System.out.println("  data directory " + dir.toAbsolutePath());
        new CountDownLatch(1).await();
        return 0;
    }

    /** Node {@code index} of {@code count}: every node dials every other; the leader uploads to HQ and pulls its catalog. */
    private NodeConfig config(String name, int index, int count, Path dir) {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, name);
        o.put(ConfigKeys.NODE_ROLE, index == 0 ? "server" : "till");
        o.put(ConfigKeys.STORE_ID, "demo-store");
        o.put(ConfigKeys.STORE_KEY, DEMO_KEY);
        o.put(ConfigKeys.DATA_DIR, dir.resolve(name).toString());
        o.put(ConfigKeys.HTTP_PORT, Integer.toString(http + index));
        o.put(ConfigKeys.PEER_PORT, Integer.toString(peerPort + index));
        o.put(ConfigKeys.PEER_BIND, "127.0.0.1");
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            if (j != index) {
                peers.add("127.0.0.1:" + (peerPort + j));
            }
        }
        o.put(ConfigKeys.PEER_PEERS, String.join(",", peers));
        o.put(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hqPort);
        o.put(ConfigKeys.HQ_TOKEN, "demo-store-token");
        return ConfigLoader.load(Optional.empty(), o);
    }
}
