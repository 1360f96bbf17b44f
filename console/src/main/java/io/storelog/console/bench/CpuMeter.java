package io.storelog.console.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where CPU went during a stretch of the benchmark: this process, one named thread in it, and the whole
 * machine (from /proc/stat), so a figure taken while other work shared the cores says so.
 */
final class CpuMeter {
    /** Counters at one instant. */
    record Snapshot(long wallNanos, long processCpuNanos, long threadCpuNanos, long machineBusyTicks, long machineTicks) {
    }

    /** What happened between two snapshots, in cores (1.0 = one core busy the whole time). */
    record Usage(double seconds, double processCores, double threadCores, double machineCores, double otherCores,
                 long processCpuNanos, long threadCpuNanos) {
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
        return new Snapshot(System.nanoTime(), processCpuNanos(), thread, machine[0], machine[1]);
    }

    static Usage between(Snapshot a, Snapshot b) {
        double seconds = Math.max(1e-9, (b.wallNanos() - a.wallNanos()) / 1e9);
        double process = (b.processCpuNanos() - a.processCpuNanos()) / 1e9 / seconds;
        double thread = (b.threadCpuNanos() - a.threadCpuNanos()) / 1e9 / seconds;
        long ticks = b.machineTicks() - a.machineTicks();
        double machine = ticks <= 0 ? Double.NaN : (double) (b.machineBusyTicks() - a.machineBusyTicks()) / ticks * CORES;
        return new Usage(seconds, process, thread, machine, Math.max(0, machine - process),
                b.processCpuNanos() - a.processCpuNanos(), b.threadCpuNanos() - a.threadCpuNanos());
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
