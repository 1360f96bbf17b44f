package io.storelog.console.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where CPU went during a stretch of the benchmark: this process, one named thread in it, and the whole
 * machine (from /proc/stat), so a figure taken while other work shared the cores says so.
 */
final class CpuMeter {
    /** Counters at one instant; {@code javaThreads} is CPU nanos by thread id. */
    record Snapshot(long wallNanos, long processCpuNanos, long threadCpuNanos, long machineBusyTicks, long machineTicks,
                    Map<Long, long[]> javaThreads, Map<Long, String> names, long gcCount, long gcMillis, long jitMillis) {
    }

    /** What happened between two snapshots, in cores (1.0 = one core busy the whole time). */
    record Usage(double seconds, double processCores, double threadCores, double machineCores, double otherCores,
                 long processCpuNanos, long threadCpuNanos, Map<String, Double> coresByThreadGroup, long gcCount,
                 long gcMillis, long jitMillis) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final long threadId;

    private CpuMeter(long threadId) {
        this.threadId = threadId;
    }

    /** Meters the live thread called {@code threadName} (or no thread when there is none). */
    static CpuMeter forThread(String threadName) {
        long id = -1;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals(threadName)) {
                id = info.getThreadId();
            }
        }
        return new CpuMeter(id);
    }

    Snapshot snapshot() {
        long thread = threadId >= 0 && THREADS.isThreadCpuTimeSupported() ? Math.max(0, THREADS.getThreadCpuTime(threadId)) : 0;
        long[] machine = machineTicks();
        Map<Long, long[]> cpuById = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info != null) {
                    long t = THREADS.getThreadCpuTime(info.getThreadId());
                    if (t >= 0) {
                        cpuById.put(info.getThreadId(), new long[] {t});
                        names.put(info.getThreadId(), info.getThreadName());
                    }
                }
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long jit = ManagementFactory.getCompilationMXBean() == null ? 0
                : ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        return new Snapshot(System.nanoTime(), processCpuNanos(), thread, machine[0], machine[1], cpuById, names, gcCount,
                gcMillis, jit);
    }

    static Usage between(Snapshot a, Snapshot b) {
        return between(a, b, null, 0);
    }

    /**
     * As {@link #between(Snapshot, Snapshot)}, adding {@code extraCpuNanos} of CPU used by threads that had
     * ended before {@code b} was taken (their own measurement) as group {@code extraGroup}.
     */
    static Usage between(Snapshot a, Snapshot b, String extraGroup, long extraCpuNanos) {
        double seconds = Math.max(1e-9, (b.wallNanos() - a.wallNanos()) / 1e9);
        double process = (b.processCpuNanos() - a.processCpuNanos()) / 1e9 / seconds;
        double thread = (b.threadCpuNanos() - a.threadCpuNanos()) / 1e9 / seconds;
        long ticks = b.machineTicks() - a.machineTicks();
        double machine = ticks <= 0 ? Double.NaN : (double) (b.machineBusyTicks() - a.machineBusyTicks()) / ticks * CORES;
        Map<String, Double> groups = new TreeMap<>();
        double javaCores = 0;
        for (Map.Entry<Long, long[]> e : b.javaThreads().entrySet()) {
            long[] start = a.javaThreads().get(e.getKey());
            double cores = (e.getValue()[0] - (start == null ? 0 : start[0])) / 1e9 / seconds;
            javaCores += cores;
            // Pools are named name-1, name-2, ... (Ignite's stripe-3-#140%node-2%): one line per pool reads better than one per thread.
            groups.merge(b.names().get(e.getKey()).replaceAll("\\d+", "*"), cores, Double::sum);
        }
        if (extraGroup != null) {
            double cores = extraCpuNanos / 1e9 / seconds;
            groups.merge(extraGroup, cores, Double::sum);
            javaCores += cores;
        }
        // What the process used beyond its Java threads: GC, JIT compilers and other VM threads.
        groups.put("(JVM: GC, JIT, VM threads)", Math.max(0, process - javaCores));
        return new Usage(seconds, process, thread, machine, Math.max(0, machine - process),
                b.processCpuNanos() - a.processCpuNanos(), b.threadCpuNanos() - a.threadCpuNanos(), groups,
                b.gcCount() - a.gcCount(), b.gcMillis() - a.gcMillis(), b.jitMillis() - a.jitMillis());
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** Busy and total ticks of all CPUs from the first line of /proc/stat; zeros where there is none. */
    private static long[] machineTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            // user nice system idle iowait irq softirq steal: guest time is already inside user.
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) {
                    idle += v;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The busiest thread groups of a usage, as "name 0.42" pairs, at most {@code limit}. */
    static String topGroups(Usage u, int limit) {
        return u.coresByThreadGroup().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The 1-, 5- and 15-minute load averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
