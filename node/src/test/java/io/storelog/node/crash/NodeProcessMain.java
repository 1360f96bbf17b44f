package io.storelog.node.crash;

import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A store node in a JVM of its own, for tests that kill it: {@code key=value} arguments are config
 * overrides (no file), the HTTP port goes to stdout as {@code STORELOG_HTTP_PORT=<port>}, and the
 * process then runs until it is killed, or until its stdin closes (the test JVM is gone).
 */
public final class NodeProcessMain {
    /** The line prefix the HTTP port is printed with. */
    public static final String PORT_LINE = "STORELOG_HTTP_PORT=";

    private NodeProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("argument '" + a + "' is not key=value");
                System.exit(2);
            }
            overrides.put(a.substring(0, eq), a.substring(eq + 1));
        }
        NodeConfig config = ConfigLoader.load(Optional.empty(), overrides);
        StoreNode node = StoreNode.start(config);
        System.out.println(PORT_LINE + node.httpPort());
        System.out.flush();
        Thread orphanGuard = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; only the end of the stream matters
                }
            } catch (IOException ignored) {
                // the parent is gone either way
            }
            Runtime.getRuntime().halt(3);
        }, "orphan-guard");
        orphanGuard.setDaemon(true);
        orphanGuard.start();
        new CountDownLatch(1).await();
    }
}
