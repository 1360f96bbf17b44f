package io.storelog.console;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.Role;
import io.storelog.node.StoreNode;
import io.storelog.node.hq.HqNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storelog node}: runs one node until interrupted. Flags override the config file. */
@Command(name = "node", description = "Run one node (till, server or hq).", mixinStandardHelpOptions = true)
public final class NodeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config file") Path config;
    @Option(names = "--role", description = "till, server or hq") String role;
    @Option(names = "--id", description = "node name") String id;
    @Option(names = "--store", description = "store id") String store;
    @Option(names = "--data", description = "data directory") String data;
    @Option(names = "--http", description = "HTTP port") String http;
    @Option(names = "--http-bind", description = "HTTP bind address (default loopback)") String httpBind;
    @Option(names = "--peer-port", description = "peer port") String peerPort;
    @Option(names = "--peers", description = "HOST:PORT,... of peers") String peers;
    @Option(names = "--hq", description = "headquarters URL") String hq;
    @Option(names = "--hq-token", description = "this store's token at headquarters") String hqToken;
    @Option(names = "--catalog", description = "catalog CSV to load") String catalog;
    @Option(names = "--store-key", description = "secret shared by the store's nodes") String storeKey;
    @Option(names = "--api-token", description = "bearer token for /api/* (all but GET /api/status)") String apiToken;
    @Option(names = "--time-zone", description = "store time zone for business days") String timeZone;
    @Option(names = "--stores", description = "HQ: CSV store,token") String stores;
    @Option(names = "--ignite-addresses", description = "HQ: HOST:PORT,... of an external Ignite cluster (thin client) instead of the embedded node")
    String igniteAddresses;
    @Option(names = "--staff", description = "staff CSV to load (id,name,role + pin or salt,hash,iterations)") String staff;

    @Override
    public Integer call() throws InterruptedException {
        NodeConfig cfg = ConfigLoader.load(Optional.ofNullable(config), overrides());
        if (cfg.role() == Role.HQ) {
            return runHeadquarters(cfg);
        }
        StoreNode node = StoreNode.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "storelog-shutdown"));
        System.out.println("storelog node " + cfg.node().id() + " (" + cfg.role().text() + ") of store " + cfg.store().id()
                + " listening on http://" + cfg.http().bind() + ":" + node.httpPort() + "/");
        stopped.await();
        return 0;
    }

    private static int runHeadquarters(NodeConfig cfg) throws InterruptedException {
        HqNode hq = HqNode.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ignite's threads are not daemons: the JVM ends only once the node is closed, so the hook closes it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hq.close();
            stopped.countDown();
        }, "storelog-shutdown"));
        System.out.println("storelog headquarters " + cfg.node().id() + " on " + hq.store() + " listening on http://"
                + cfg.http().bind() + ":" + hq.httpPort() + "/api/hq/stores");
        stopped.await();
        return 0;
    }

    /** The flags given, as config keys. */
    Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, ConfigKeys.NODE_ROLE, role);
        put(o, ConfigKeys.NODE_ID, id);
        put(o, ConfigKeys.STORE_ID, store);
        put(o, ConfigKeys.DATA_DIR, data);
        put(o, ConfigKeys.HTTP_PORT, http);
        put(o, ConfigKeys.HTTP_BIND, httpBind);
        put(o, ConfigKeys.PEER_PORT, peerPort);
        put(o, ConfigKeys.PEER_PEERS, peers);
        put(o, ConfigKeys.HQ_URL, hq);
        put(o, ConfigKeys.HQ_TOKEN, hqToken);
        put(o, ConfigKeys.CATALOG_FILE, catalog);
        put(o, ConfigKeys.STORE_KEY, storeKey);
        put(o, ConfigKeys.HTTP_API_TOKEN, apiToken);
        put(o, ConfigKeys.STORE_TIME_ZONE, timeZone);
        put(o, ConfigKeys.HQ_STORES_FILE, stores);
        put(o, ConfigKeys.HQ_IGNITE_ADDRESSES, igniteAddresses);
        put(o, ConfigKeys.STAFF_BOOTSTRAP_FILE, staff);
        return o;
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
