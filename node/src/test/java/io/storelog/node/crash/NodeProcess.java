package io.storelog.node.crash;

import io.storelog.node.testing.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A node running {@link NodeProcessMain} in a separate JVM with the test's class path. */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node with these config overrides and waits until its HTTP API listens. */
    static NodeProcess start(Map<String, String> overrides, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), NodeProcessMain.class.getName()));
        overrides.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(NodeProcessMain.PORT_LINE)) {
                        port.complete(Integer.parseInt(line.substring(NodeProcessMain.PORT_LINE.length()).trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("node process ended without printing its port"));
        }, "node-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new NodeProcess(p, port.get(30, TimeUnit.SECONDS), log);
        } catch (Exception e) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("node process did not start; its log:\n" + tail(log), e);
        }
    }

    int port() {
        return port;
    }

    ApiClient api() {
        return new ApiClient(port).withTimeout(Duration.ofSeconds(10));
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL (what destroyForcibly sends on Linux), then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node process " + process.pid() + " survived SIGKILL");
        }
    }

    /** The exit code: 137 (128 + SIGKILL) after {@link #kill()}. */
    int exitCode() {
        return process.exitValue();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
