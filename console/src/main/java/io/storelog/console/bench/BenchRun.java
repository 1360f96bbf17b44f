package io.storelog.console.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The frame every benchmark run shares: quiet node logs, a scratch directory on the disk under test,
 * a report that starts with the environment (commit, nproc, filesystem, command), and the results
 * files written under bench/results when the run is over.
 */
public final class BenchRun {
    /** The measuring part of a run. */
    @FunctionalInterface
    public interface Body {
        void run(BenchRun run) throws Exception;
    }

    /** Repository root (STORELOG_HOME), where bench/results lives. */
    public final Path home;
    /** Scratch directory of this run (node data, catalogs). */
    public final Path base;
    /** The report the run prints and writes. */
    public final BenchReport report;

    private BenchRun(Path home, Path base, BenchReport report) {
        this.home = home;
        this.base = base;
        this.report = report;
    }

    /**
     * Runs {@code body} as benchmark {@code kind} ("append", "replicate") and writes its report to
     * {@code outDir} (default bench/results); the scratch directory under {@code dir} (default target)
     * is removed afterwards unless {@code keepData}.
     */
    public static int execute(String kind, String title, Path dir, Path outDir, boolean keepData, CommandSpec spec, Body body)
            throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // Node start-up chatter would break up the table; warnings still show.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        ZonedDateTime startedAt = ZonedDateTime.now(ZoneOffset.UTC);
        Path home = Path.of(Optional.ofNullable(System.getenv("STORELOG_HOME")).orElse(".")).toAbsolutePath().normalize();
        Path parent = dir != null ? dir : Path.of("target");
        Files.createDirectories(parent);
        Path base = Files.createTempDirectory(parent.toAbsolutePath(), "bench-" + kind + "-");
        Path out = outDir != null ? outDir : home.resolve("bench/results");
        String stem = kind + "-" + startedAt.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT));

        BenchRun run = new BenchRun(home, base, new BenchReport(System.out));
        run.report.line(title + ", started " + startedAt.format(DateTimeFormatter.ISO_INSTANT));
        run.report.environment(BenchEnvironment.capture(home, base, spec.root().commandLine().getParseResult().originalArgs()));
        try {
            body.run(run);
            run.report.printTargets();
        } finally {
            if (!keepData) {
                try {
                    deleteTree(base);
                } catch (RuntimeException e) {
                    System.err.println("could not delete " + base + ": " + e.getMessage());
                }
            }
        }
        List<Path> written = run.report.write(out, stem);
        System.out.println();
        written.forEach(p -> System.out.println("wrote " + p));
        return 0;
    }

    /** Deletes a directory tree of benchmark data. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete benchmark data " + root, e);
        }
    }
}
