package io.storelog.node.hq;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link IgniteServerMain} started by a test in its own JVM, with this JVM's class path and module flags. */
final class IgniteServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path workDir;
    private final int clientPort;

    private IgniteServerProcess(Process process, Path workDir, int clientPort) {
        this.process = process;
        this.workDir = workDir;
        this.clientPort = clientPort;
    }

    /** Starts a server on {@code workDir} (reusing what is there) and waits for READY. */
    static IgniteServerProcess start(Path workDir, int clientPort) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The --add-opens list Ignite needs, exactly as Surefire gave it to this JVM (node/pom.xml).
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        // Surefire may run tests from a manifest-only jar; its real class path is in this property.
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(IgniteServerMain.class.getName());
        cmd.add(workDir.toAbsolutePath().toString());
        cmd.add(String.valueOf(clientPort));
        Path log = workDir.resolve("server-process.log");
        try {
            Files.createDirectories(workDir);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(p, log, ready), "ignite-server-output");
            pump.setDaemon(true);
            pump.start();
            try {
                ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
                throw new AssertionError("Ignite server process did not start within " + START_TIMEOUT + "; output:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
            }
            return new IgniteServerProcess(p, workDir, clientPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pump(Process p, Path log, CompletableFuture<Void> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line + "\n");
                out.flush();
                if (line.equals(IgniteServerMain.READY)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException("process output ended before READY"));
    }

    /** A free loopback port for the thin-client connector. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "127.0.0.1:port" for the thin client. */
    String address() {
        return "127.0.0.1:" + clientPort;
    }

    Path workDir() {
        return workDir;
    }

    int clientPort() {
        return clientPort;
    }

    /** SIGKILL: the server stops mid-write, as in a power cut of the machine; its WAL must hold. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Closes stdin: the server stops cleanly. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Already gone.
        }
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
