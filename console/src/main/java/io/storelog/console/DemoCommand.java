package io.storelog.console;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storelog demo}: a till with the sample catalog on this machine; Ctrl-C stops it cleanly. */
@Command(name = "demo", description = "Start a demo till with the sample catalog and print its URL.", mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", description = "data directory of the demo (default: data/demo)") Path data;
    @Option(names = "--http", description = "HTTP port of the till (default 8081)") int http = 8081;

    @Override
    public Integer call() throws InterruptedException {
        Path home = Path.of(Optional.ofNullable(System.getenv("STORELOG_HOME")).orElse("."));
        Path catalog = home.resolve("config/demo-catalog.csv");
        if (!Files.isRegularFile(catalog)) {
            throw new UsageException("sample catalog " + catalog + " not found; run from the repository root or set STORELOG_HOME");
        }
        Path dir = data != null ? data : home.resolve("data/demo");
        NodeConfig cfg = ConfigLoader.load(Optional.empty(), Map.of(
                ConfigKeys.NODE_ID, "till-1",
                ConfigKeys.STORE_ID, "demo-store",
                ConfigKeys.DATA_DIR, dir.resolve("till-1").toString(),
                ConfigKeys.HTTP_PORT, Integer.toString(http),
                ConfigKeys.CATALOG_FILE, catalog.toString()));
        StoreNode till = StoreNode.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            till.close();
            stopped.countDown();
        }, "storelog-demo-shutdown"));
        String base = "http://127.0.0.1:" + till.httpPort();
        System.out.println("StoreLog demo store 'demo-store' is running (Ctrl-C stops it):");
        System.out.println("  till-1 till screen   " + base + "/");
        System.out.println("  till-1 API status    " + base + "/api/status");
        System.out.println("  till-1 metrics       " + base + "/metrics");
        System.out.println("  data directory       " + dir.toAbsolutePath());
        stopped.await();
        return 0;
    }
}
