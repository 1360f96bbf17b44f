package io.storelog.console.bench;

import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a node on an existing data directory in a JVM of its own and prints how long recovery took: a
 * restarted till has a fresh JVM (nothing compiled yet), which an in-process measurement would hide.
 */
public final class RecoveryProbe {
    /** Prefix of the one line the probe prints for its parent. */
    static final String RESULT = "RECOVERY-RESULT";

    private RecoveryProbe() {
    }

    /**
     * Arguments: config overrides as {@code key=value}. Prints {@code RECOVERY-RESULT totalNanos entries scanNanos gcMillis
     * processCpuNanos mainThreadCpuNanos jitMillis}, CPU and JIT counted from JVM start.
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            overrides.put(a.substring(0, eq), a.substring(eq + 1));
        }
        NodeConfig config = ConfigLoader.load(Optional.empty(), overrides);
        long started = System.nanoTime();
        try (StoreNode node = StoreNode.start(config)) {
            long took = System.nanoTime() - started;
            long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
            long jitMillis = ManagementFactory.getCompilationMXBean() == null ? -1
                    : ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            System.out.println(RESULT + " " + took + " " + node.log().entries() + " "
                    + node.recovery().took().toNanos() + " " + gcMillis + " " + CpuMeter.processCpuNanos() + " "
                    + ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + " " + jitMillis);
        }
        System.out.flush();
        System.exit(0);
    }

    /** What a probe run found. */
    record Result(long totalNanos, long entries, long scanNanos, long gcMillis, long processNanos, long processCpuNanos,
                  long mainCpuNanos, long jitMillis) {
    }

    /**
     * Runs the probe in a new JVM with this JVM's heap and -XX flags and the same class path.
     *
     * @throws IOException if the child cannot be started, fails or prints no result
     */
    static Result runInFreshJvm(Map<String, String> overrides) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Heap and VM tuning carry over; agents and test-runner properties do not belong in the probe.
            if (flag.startsWith("-Xm") || flag.startsWith("-Xss") || flag.startsWith("-XX:")) {
                cmd.add(flag);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RecoveryProbe.class.getName());
        overrides.forEach((k, v) -> cmd.add(k + "=" + v));
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("recovery probe did not finish in 10 minutes");
        }
        long processNanos = System.nanoTime() - started;
        for (String line : out.split("\n")) {
            if (line.startsWith(RESULT + " ")) {
                String[] f = line.trim().split(" ");
                return new Result(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        processNanos, Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]));
            }
        }
        throw new IOException("recovery probe exited " + p.exitValue() + " without a result: " + out.strip());
    }
}
