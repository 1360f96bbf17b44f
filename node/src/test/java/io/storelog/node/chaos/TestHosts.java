package io.storelog.node.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts on this machine: one network namespace per host, each with a veth pair whose outer end is
 * in one bridge, so every host has its own address (10.213.S.(i+1)) and its own ports, and the test
 * reaches each through the bridge (10.213.S.254). Faults act on the real kernel network: a pair cut by
 * blackhole routes on both sides, a host's cable pulled (its veth down), a slow lossy link (a token
 * bucket whose short queue delays and drops). This kernel has no {@code netem} qdisc, no tc
 * classifiers and no iptables, so those are the tools it leaves; see the README's "Fault suite".
 *
 * <p>Names start with a random prefix, so parallel runs never collide; {@link #close()} (also run by a
 * shutdown hook) deletes every namespace, veth and the bridge it made.
 */
public final class TestHosts implements AutoCloseable {
    private final String prefix;
    private final int subnet;
    private final int count;
    private final Set<String> cuts = new HashSet<>();
    private final Set<Integer> slowed = new HashSet<>();
    private final Set<Integer> unplugged = new HashSet<>();
    private final Thread hook = new Thread(this::close, "test-hosts-cleanup");
    private boolean closed;

    private TestHosts(String prefix, int subnet, int count) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.count = count;
    }

    /** Why namespaces cannot be made here (not root, no {@code ip}, a kernel without them), or empty if they can. */
    public static Optional<String> unavailable() {
        try {
            Result id = run(List.of("id", "-u"));
            if (!id.out.trim().equals("0")) {
                return Optional.of("not root (uid " + id.out.trim() + "): ip netns needs root");
            }
            String probe = "slcprobe" + Long.toHexString(System.nanoTime() & 0xffff);
            Result add = run(List.of("ip", "netns", "add", probe));
            if (add.code != 0) {
                return Optional.of("ip netns add failed: " + add.out.trim());
            }
            run(List.of("ip", "netns", "del", probe));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run ip: " + e.getMessage());
        }
    }

    /** Makes {@code count} hosts on a fresh bridge. */
    public static TestHosts create(int count, Random random) {
        String prefix = "slc" + String.format(Locale.ROOT, "%04x", random.nextInt(0x10000));
        int subnet = freeSubnet(random);
        TestHosts hosts = new TestHosts(prefix, subnet, count);
        Runtime.getRuntime().addShutdownHook(hosts.hook);
        try {
            String br = hosts.bridge();
            hosts.must("ip", "link", "add", br, "type", "bridge");
            hosts.must("ip", "addr", "add", hosts.bridgeIp() + "/24", "dev", br);
            hosts.must("ip", "link", "set", br, "up");
            for (int i = 0; i < count; i++) {
                String ns = hosts.namespace(i);
                String inner = prefix + "p" + i;
                hosts.must("ip", "netns", "add", ns);
                hosts.must("ip", "link", "add", hosts.veth(i), "type", "veth", "peer", "name", inner);
                hosts.must("ip", "link", "set", inner, "netns", ns);
                hosts.must("ip", "link", "set", hosts.veth(i), "master", br);
                hosts.must("ip", "link", "set", hosts.veth(i), "up");
                hosts.must("ip", "-n", ns, "link", "set", inner, "name", "eth0");
                hosts.must("ip", "-n", ns, "addr", "add", hosts.ip(i) + "/24", "dev", "eth0");
                hosts.must("ip", "-n", ns, "link", "set", "eth0", "up");
                hosts.must("ip", "-n", ns, "link", "set", "lo", "up");
            }
            return hosts;
        } catch (RuntimeException e) {
            hosts.close();
            throw e;
        }
    }

    private static int freeSubnet(Random random) {
        String addrs;
        try {
            addrs = run(List.of("ip", "-4", "addr")).out;
        } catch (IOException e) {
            addrs = "";
        }
        for (int tries = 0; tries < 250; tries++) {
            int s = 1 + random.nextInt(250);
            if (!addrs.contains("10.213." + s + ".")) {
                return s;
            }
        }
        throw new IllegalStateException("no free 10.213.x.0/24 subnet");
    }

    /** How many hosts there are. */
    public int size() {
        return count;
    }

    /** The name prefix of everything this run made (namespaces, links). */
    public String prefix() {
        return prefix;
    }

    /** Host i's network namespace. */
    public String namespace(int i) {
        return prefix + "-h" + i;
    }

    /** Host i's address. */
    public String ip(int i) {
        return "10.213." + subnet + "." + (i + 1);
    }

    /** The test's own address on the bridge. */
    public String bridgeIp() {
        return "10.213." + subnet + ".254";
    }

    private String bridge() {
        return prefix + "br";
    }

    private String veth(int i) {
        return prefix + "v" + i;
    }

    /** The command prefix that runs a program on host i. */
    public List<String> launcher(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Cuts the link between hosts i and j both ways (blackhole routes on each side); the test still reaches both. */
    public synchronized void cut(int i, int j) {
        if (cuts.add(key(i, j))) {
            must("ip", "-n", namespace(i), "route", "add", "blackhole", ip(j) + "/32");
            must("ip", "-n", namespace(j), "route", "add", "blackhole", ip(i) + "/32");
        }
    }

    /** Restores the link between hosts i and j. */
    public synchronized void heal(int i, int j) {
        if (cuts.remove(key(i, j))) {
            must("ip", "-n", namespace(i), "route", "del", "blackhole", ip(j) + "/32");
            must("ip", "-n", namespace(j), "route", "del", "blackhole", ip(i) + "/32");
        }
    }

    /** Whether the link between i and j is cut. */
    public synchronized boolean isCut(int i, int j) {
        return cuts.contains(key(i, j));
    }

    /** Pulls host i's cable: its veth goes down, so nobody (the test neither) reaches it. */
    public synchronized void unplug(int i) {
        if (unplugged.add(i)) {
            must("ip", "link", "set", veth(i), "down");
        }
    }

    /** Plugs host i back in. */
    public synchronized void plug(int i) {
        if (unplugged.remove(i)) {
            must("ip", "link", "set", veth(i), "up");
        }
    }

    /** Whether host i's cable is pulled. */
    public synchronized boolean isUnplugged(int i) {
        return unplugged.contains(i);
    }

    /**
     * Makes host i's outgoing link slow and lossy: a token bucket of {@code kbit} kbit/s that queues at
     * most {@code latencyMs} of traffic, so packets wait up to that long and beyond it are dropped.
     */
    public synchronized void slow(int i, int kbit, int latencyMs) {
        if (slowed.add(i)) {
            must("ip", "netns", "exec", namespace(i), "tc", "qdisc", "add", "dev", "eth0", "root", "tbf",
                    "rate", kbit + "kbit", "burst", "4kb", "latency", latencyMs + "ms");
        }
    }

    /** Gives host i its normal link back. */
    public synchronized void unslow(int i) {
        if (slowed.remove(i)) {
            must("ip", "netns", "exec", namespace(i), "tc", "qdisc", "del", "dev", "eth0", "root");
        }
    }

    /** Whether host i's link is slowed. */
    public synchronized boolean isSlow(int i) {
        return slowed.contains(i);
    }

    /** Restores every link: no cuts, every cable in, no slow links. */
    public synchronized void healAll() {
        for (String c : new ArrayList<>(cuts)) {
            String[] p = c.split("-");
            heal(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        }
        for (int i : new ArrayList<>(unplugged)) {
            plug(i);
        }
        for (int i : new ArrayList<>(slowed)) {
            unslow(i);
        }
    }

    /** Whether anything is cut, unplugged or slowed. */
    public synchronized boolean anyFault() {
        return !cuts.isEmpty() || !unplugged.isEmpty() || !slowed.isEmpty();
    }

    private static String key(int i, int j) {
        return Math.min(i, j) + "-" + Math.max(i, j);
    }

    /** Deletes every namespace, veth and the bridge this run made; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < count; i++) {
            quietly("ip", "netns", "del", namespace(i));
            quietly("ip", "link", "del", veth(i));
        }
        quietly("ip", "link", "del", bridge());
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook.
        }
    }

    private void must(String... cmd) {
        try {
            Result r = run(List.of(cmd));
            if (r.code != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.out.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    private static void quietly(String... cmd) {
        try {
            run(List.of(cmd));
        } catch (IOException e) {
            // Cleaning up: what is already gone is fine.
        }
    }

    /** Runs a command, waiting at most 30 s; its output and exit code. */
    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A finished command. */
    record Result(int code, String out) {
    }
}
