package io.storelog.node.testing.cluster;

import io.storelog.node.testing.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A store node in a JVM of its own ({@link ClusterNodeMain} on this test's class path), so a test can
 * really SIGKILL it ({@link #kill()}: {@link Process#destroyForcibly()}), something a node inside the
 * test JVM cannot suffer. Its stdout and stderr (the node's log) go to {@code logFile}, which stays
 * behind for a failed test.
 */
public final class ProcessNode implements AutoCloseable {
    private final Process process;
    private final Path logFile;
    private final int httpPort;
    private final int peerPort;
    private final String incarnation;

    private final String host;

    /**
     * How a node process is launched: {@code prefix} goes before {@code java} (e.g. {@code ip netns exec NS}
     * to run it on another test host), {@code jvmArgs} after it, {@code options} are {@link ClusterNodeMain}
     * options before the overrides, and {@code host} is the address its HTTP API answers on.
     */
    public record Launch(List<String> prefix, List<String> jvmArgs, List<String> options, String host) {
        /** A node on this host's loopback, as the in-JVM cluster tests run them. */
        public static final Launch LOCAL = new Launch(List.of(), List.of(), List.of(), "127.0.0.1");
    }

    private ProcessNode(Process process, Path logFile, int httpPort, int peerPort, String incarnation, String host) {
        this.host = host;
        this.process = process;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.peerPort = peerPort;
        this.incarnation = incarnation;
    }

    /**
     * Starts a node with these config overrides (e.g. {@link TestCluster#overrides(int)}) and waits
     * until it listens. Its output is appended to {@code logFile}.
     */
    public static ProcessNode start(Map<String, String> overrides, Path logFile, Duration timeout) {
        return start(Launch.LOCAL, overrides, logFile, timeout);
    }

    /** As {@link #start(Map, Path, Duration)}, launched as {@code launch} says. */
    public static ProcessNode start(Launch launch, Map<String, String> overrides, Path logFile, Duration timeout) {
        List<String> cmd = new ArrayList<>(launch.prefix());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Surefire may run tests from a manifest-only jar; its real class path is in this property.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.addAll(launch.jvmArgs());
        cmd.add(ClusterNodeMain.class.getName());
        cmd.addAll(launch.options());
        new TreeMap<>(overrides).forEach((k, v) -> cmd.add(k + "=" + v));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<String> up = new CompletableFuture<>();
            Thread reader = new Thread(() -> pump(p, logFile, up), "process-node-output");
            reader.setDaemon(true);
            reader.start();
            String line;
            try {
                line = up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
                throw new AssertionError("node process did not come up within " + timeout + "; log " + logFile + ":\n"
                        + tail(logFile), e);
            }
            Map<String, String> f = new TreeMap<>();
            for (String part : line.substring(ClusterNodeMain.UP.length()).trim().split(" ")) {
                f.put(part.substring(0, part.indexOf('=')), part.substring(part.indexOf('=') + 1));
            }
            return new ProcessNode(p, logFile, Integer.parseInt(f.get("http")), Integer.parseInt(f.get("peer")),
                    f.get("incarnation"), launch.host());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pump(Process p, Path logFile, CompletableFuture<String> up) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
                if (line.startsWith(ClusterNodeMain.UP)) {
                    up.complete(line);
                }
            }
        } catch (IOException e) {
            // The process died: nothing more to read.
        }
        up.completeExceptionally(new IllegalStateException("node process ended before it came up"));
    }

    /** The last lines of a log file, for a failure message. */
    public static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The node's HTTP port. */
    public int httpPort() {
        return httpPort;
    }

    /** The node's peer port. */
    public int peerPort() {
        return peerPort;
    }

    /** The incarnation the node runs as. */
    public String incarnation() {
        return incarnation;
    }

    /** An HTTP client of the node with a short timeout (the node may be killed under it). */
    public ApiClient api() {
        return ApiClient.at("http://" + host + ":" + httpPort).withTimeout(Duration.ofSeconds(5));
    }

    /** The operating system's id of the node's process (for /proc/&lt;pid&gt;). */
    public long pid() {
        return process.pid();
    }

    /** Where the node's output goes. */
    public Path logFile() {
        return logFile;
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process ends at once, whatever it was writing. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** Asks the node to close gracefully, and kills it if it does not within 10 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        try {
            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            // Already dying.
        }
        if (!waitFor(Duration.ofSeconds(10))) {
            kill();
        }
    }

    private boolean waitFor(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
