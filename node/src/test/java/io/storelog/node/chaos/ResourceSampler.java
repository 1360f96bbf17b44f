package io.storelog.node.chaos;

import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.cluster.ProcessNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Samples each node process's open file handles ({@code /proc/<pid>/fd}) and its live heap (a full GC
 * through {@code jcmd <pid> GC.run}, then the heap used that the node's {@code /metrics} reports), so a
 * slow leak shows as growth between the start and the end of a window.
 *
 * <p>"Flat" over a window, for a node whose process lived through all of it with at least six samples:
 * the mean live heap of the window's last third is at most the mean of its first third plus
 * {@value #HEAP_SLACK_MIB} MiB or 25% (whichever is more: the state legitimately grows with the bills),
 * and the most file handles in the last third at most the most in the first third plus
 * {@value #FD_SLACK} (sockets of peers reconnecting come and go).
 */
final class ResourceSampler {
    static final int HEAP_SLACK_MIB = 32;
    static final int FD_SLACK = 16;

    /** One reading of one process. */
    record Sample(long atMillis, long pid, int fds, long heapBytes) {
    }

    /** Whether one node stayed flat, or why it was not judged. */
    record Verdict(boolean judged, boolean flat, String text) {
    }

    private final IntFunction<ProcessNode> nodes;
    private final List<List<Sample>> samples = new ArrayList<>();
    private final String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();

    ResourceSampler(int count, IntFunction<ProcessNode> nodes) {
        this.nodes = nodes;
        for (int i = 0; i < count; i++) {
            samples.add(new ArrayList<>());
        }
    }

    /** Takes one sample of every node that is up and reachable; the others are skipped this time. */
    void sampleAll() {
        for (int i = 0; i < samples.size(); i++) {
            ProcessNode p = nodes.apply(i);
            if (p == null || !p.isAlive()) {
                continue;
            }
            try {
                int fds;
                try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                    fds = (int) s.count();
                }
                TestHosts.run(List.of(jcmd, Long.toString(p.pid()), "GC.run"));
                long heap = heapUsed(p.api());
                if (heap >= 0) {
                    synchronized (samples) {
                        samples.get(i).add(new Sample(System.currentTimeMillis(), p.pid(), fds, heap));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Killed or cut off between the checks: no sample this round.
            }
        }
    }

    private static long heapUsed(ApiClient api) {
        ApiClient.Response r = api.get("/metrics");
        if (r.status() != 200) {
            return -1;
        }
        long sum = 0;
        boolean found = false;
        for (String line : r.raw().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : -1;
    }

    /** The verdict for node i over {@code [from, to]} (epoch ms). */
    Verdict verdict(int i, long from, long to) {
        List<Sample> in;
        synchronized (samples) {
            in = samples.get(i).stream().filter(s -> s.atMillis() >= from && s.atMillis() <= to).toList();
        }
        if (in.size() < 6) {
            return new Verdict(false, false, in.size() + " samples in the window (unreachable or restarted)");
        }
        if (in.stream().map(Sample::pid).distinct().count() > 1) {
            return new Verdict(false, false, "restarted in the window");
        }
        int third = in.size() / 3;
        List<Sample> first = in.subList(0, third);
        List<Sample> last = in.subList(in.size() - third, in.size());
        double heapFirst = first.stream().mapToLong(Sample::heapBytes).average().orElse(0);
        double heapLast = last.stream().mapToLong(Sample::heapBytes).average().orElse(0);
        int fdFirst = first.stream().mapToInt(Sample::fds).max().orElse(0);
        int fdLast = last.stream().mapToInt(Sample::fds).max().orElse(0);
        double heapAllowed = heapFirst + Math.max(HEAP_SLACK_MIB * 1024.0 * 1024.0, heapFirst * 0.25);
        boolean flat = heapLast <= heapAllowed && fdLast <= fdFirst + FD_SLACK;
        return new Verdict(true, flat, String.format(Locale.ROOT,
                "%d samples, live heap %.1f -> %.1f MiB (allowed %.1f), open files %d -> %d (allowed %d)",
                in.size(), heapFirst / 1048576, heapLast / 1048576, heapAllowed / 1048576, fdFirst, fdLast, fdFirst + FD_SLACK));
    }
}
