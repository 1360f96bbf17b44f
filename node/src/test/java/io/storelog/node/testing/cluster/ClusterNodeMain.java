package io.storelog.node.testing.cluster;

import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.Role;
import io.storelog.node.StoreNode;
import io.storelog.node.hq.HqNode;
import io.storelog.node.testing.WriteBackStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The main of a node that {@link ProcessNode} runs in its own JVM. Arguments are config overrides,
 * {@code key=value} each, after any options: {@code --write-back-disk} puts the log behind a
 * {@link WriteBackStorage}, so a SIGKILL of this process is a power cut that drops unforced writes.
 * A node with {@code node.role=hq} runs as headquarters. Once the node listens it prints one line
 * {@code STORELOG-NODE-UP http=<port> peer=<port> incarnation=<id>} on stdout. A line {@code stop} on
 * stdin closes the node gracefully; stdin reaching its end (the test JVM died) does too, so no node
 * outlives its test.
 */
public final class ClusterNodeMain {
    /** The prefix of the line a started node prints. */
    public static final String UP = "STORELOG-NODE-UP";
    /** The option that runs the log on a write-back cache lost on SIGKILL. */
    public static final String WRITE_BACK_DISK = "--write-back-disk";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean writeBack = false;
        for (String a : args) {
            if (a.equals(WRITE_BACK_DISK)) {
                writeBack = true;
                continue;
            }
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("argument is not key=value: " + a);
                System.exit(2);
            }
            overrides.put(a.substring(0, eq), a.substring(eq + 1));
        }
        NodeConfig config = ConfigLoader.load(Optional.empty(), overrides);
        AutoCloseable running;
        if (config.role() == Role.HQ) {
            HqNode hq = HqNode.start(config);
            running = hq;
            System.out.println(UP + " http=" + hq.httpPort() + " peer=-1 incarnation=hq");
        } else {
            StoreNode node = writeBack
                    ? StoreNode.start(config, new WriteBackStorage(config.node().dataDir().resolve("log")))
                    : StoreNode.start(config);
            running = node;
            int peerPort = node.replicator().map(r -> r.port()).orElse(-1);
            System.out.println(UP + " http=" + node.httpPort() + " peer=" + peerPort + " incarnation=" + node.log().origin());
        }
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().equals("stop")) {
                break;
            }
        }
        running.close();
        System.out.println("STORELOG-NODE-DOWN");
        System.out.flush();
        System.exit(0);
    }
}
