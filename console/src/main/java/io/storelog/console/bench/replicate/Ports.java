package io.storelog.console.bench.replicate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for nodes that must restart on the same port. They are taken below the kernel's
 * ephemeral range: a port from that range, free while its node is down, could meanwhile become the local
 * port of some outgoing connection and the node could not bind it again.
 */
public final class Ports {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** One free port below the ephemeral range. */
    public static int fixed() {
        return block(1);
    }

    /** The first of {@code count} consecutive ports, all free now, below the ephemeral range. */
    public static int block(int count) {
        int low = ephemeralLow();
        int from = Math.max(1024, Math.min(20_000, low - 2_000));
        for (int attempt = 0; attempt < 2_000; attempt++) {
            int first = from + ThreadLocalRandom.current().nextInt(Math.max(1, low - from - count));
            boolean ok = true;
            for (int p = first; p < first + count && ok; p++) {
                ok = !HANDED_OUT.contains(p) && free(p);
            }
            if (ok) {
                for (int p = first; p < first + count; p++) {
                    HANDED_OUT.add(p);
                }
                return first;
            }
        }
        throw new IllegalStateException("no block of " + count + " free loopback ports below " + low);
    }

    /** A loopback port nothing listens on right now (connections to it are refused). */
    public static int unreachable() {
        return fixed();
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralLow() {
        try {
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            return Math.max(10_000, Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path root) {
        io.storelog.console.bench.BenchRun.deleteTree(root);
    }
}
