package io.storelog.node.hq;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.ignite.Ignite;

/**
 * An Ignite server node in a JVM of its own, standing in for an external cluster: native persistence,
 * FSYNC WAL, a thin-client connector. Args: work directory, client port. Prints READY once active and
 * stops when its stdin closes (the test ended) or the process is killed (a crash).
 */
public final class IgniteServerMain {
    /** The line printed once clients may connect. */
    static final String READY = "READY";

    private IgniteServerMain() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        int clientPort = Integer.parseInt(args[1]);
        Ignite ignite = EmbeddedIgniteStore.startNode(EmbeddedIgniteStore.Options.small(work).withClientPort(clientPort));
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Only the end of stdin matters: the parent closed it, or died.
        }
        ignite.close();
        // Ignite's threads are not daemons; exit rather than wait for stragglers.
        System.exit(0);
    }
}
