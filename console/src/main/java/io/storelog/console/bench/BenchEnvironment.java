package io.storelog.console.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Facts about the machine, build and disk a benchmark ran on, so a figure can be traced and repeated. */
record BenchEnvironment(String commit, int availableProcessors, String nprocCommand, String cpuModel,
                        String os, String dataDir, String fsType, String fsDevice, String dfLine,
                        String jvm, String jvmFlags, String command, String processCommandLine, String loadAtStart) {

    static BenchEnvironment capture(Path home, Path dataDir, List<String> args) {
        String commit = run(home, "git", "rev-parse", "HEAD");
        // Untracked files (results of earlier runs) change nothing that was built; only tracked changes mark it dirty.
        String porcelain = run(home, "git", "status", "--porcelain", "--untracked-files=no");
        if (!commit.startsWith("unknown") && !porcelain.isEmpty()) {
            commit += "-dirty";
        }
        String type = "unknown";
        String device = "unknown";
        try {
            FileStore store = Files.getFileStore(dataDir);
            type = store.type();
            device = store.name();
        } catch (IOException e) {
            type = "unknown (" + e.getMessage() + ")";
        }
        String df = run(home, "df", "-T", dataDir.toAbsolutePath().toString());
        String[] dfLines = df.split("\n");
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return new BenchEnvironment(commit, Runtime.getRuntime().availableProcessors(), run(home, "nproc"), readCpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                dataDir.toAbsolutePath().toString(), type, device, dfLines[dfLines.length - 1].replaceAll("\\s+", " "),
                jvm, flags.isEmpty() ? "(none)" : flags,
                "storelog " + String.join(" ", args),
                ProcessHandle.current().info().commandLine().orElse("(not available)"), CpuMeter.loadAverage());
    }

    /** True when fsync on this filesystem cannot mean what the benchmark needs it to mean. */
    boolean fsyncMeaningless() {
        return fsType.equals("tmpfs") || fsType.equals("ramfs");
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** Runs a short command; its trimmed standard output, or "unknown (why)" if it did not work. */
    static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (" + command[0] + " timed out)";
            }
            if (p.exitValue() != 0) {
                return "unknown (" + command[0] + " exited " + p.exitValue() + ")";
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** Label/value pairs in the order the report shows them. */
    List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"git commit", commit});
        rows.add(new String[] {"nproc", "Runtime.availableProcessors=" + availableProcessors + ", nproc command=" + nprocCommand});
        rows.add(new String[] {"cpu", cpuModel});
        rows.add(new String[] {"os", os});
        rows.add(new String[] {"data dir", dataDir});
        rows.add(new String[] {"filesystem", fsType + " on " + fsDevice});
        rows.add(new String[] {"df -T", dfLine});
        rows.add(new String[] {"jvm", jvm});
        rows.add(new String[] {"jvm flags", jvmFlags});
        rows.add(new String[] {"command", command});
        rows.add(new String[] {"process command line", processCommandLine});
        rows.add(new String[] {"load average at start", loadAtStart + " (1/5/15 min; other work on the machine skews every figure)"});
        return rows;
    }
}
