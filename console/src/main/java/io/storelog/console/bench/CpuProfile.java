package io.storelog.console.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A sampling CPU profile of a stretch of the benchmark, taken with JDK Flight Recorder and boiled down to
 * where the time went: each sample is put in the first cost category found walking up from the leaf frame,
 * per thread group, plus the hottest leaf methods. Used only to explain a figure, never inside a timed run.
 */
final class CpuProfile implements AutoCloseable {
    /** A named kind of work, recognised by a frame's class and method. */
    private record Category(String name, Predicate<RecordedFrame> matches) {
    }

    // Order matters: the first category matched walking up from the leaf wins, so specific work (a CRC,
    // a SHA-256, a protobuf parse) is named before the product code that called it.
    private static final List<Category> CATEGORIES = List.of(
            cat("fsync (force)", "sun.nio.ch.FileDispatcherImpl", "force"),
            cat("file write", "sun.nio.ch.FileDispatcherImpl", "pwrite"),
            cat("file read", "sun.nio.ch.FileDispatcherImpl", "pread"),
            cat("CRC32C", "java.util.zip.CRC32C", ""),
            cat("SHA-256 (state SetHash)", "sun.security.provider.", ""),
            cat("SHA-256 (state SetHash)", "io.storelog.node.state.SetHash", ""),
            cat("MessageDigest.getInstance", "java.security.MessageDigest", "getInstance"),
            cat("MessageDigest.getInstance", "java.security.Provider", ""),
            cat("MessageDigest.getInstance", "sun.security.jca.", ""),
            cat("protobuf parse", "", "parseFrom"),
            cat("protobuf encode", "", "toByteArray"),
            cat("protobuf encode", "", "writeTo"),
            cat("protobuf encode", "", "getSerializedSize"),
            cat("protobuf (other)", "com.google.protobuf.", ""),
            cat("fold: stock levels", "io.storelog.node.state.StockLevels", ""),
            cat("fold: sales totals", "io.storelog.node.state.SalesTotals", ""),
            cat("fold: bill index", "io.storelog.node.state.BillIndex", ""),
            cat("catalog lookup / fold (Catalog)", "io.storelog.node.state.Catalog", ""),
            cat("fold: StoreState other", "io.storelog.node.state.StoreState", ""),
            cat("(origin,seq) index", "io.storelog.node.merge.EntryIndex", ""),
            cat("clock", "io.storelog.node.clock.", ""),
            cat("log scan (SegmentScanner)", "io.storelog.node.log.SegmentScanner", ""),
            cat("log writer (framing, batch)", "io.storelog.node.log.", ""),
            cat("pricing (BillPricer)", "io.storelog.node.billing.", ""),
            cat("bill service", "io.storelog.node.service.", ""),
            cat("merged log (append lock)", "io.storelog.node.merge.MergedLog", ""),
            cat("benchmark driver", "io.storelog.console.bench.", ""),
            cat("locks / parking", "java.util.concurrent.locks.", ""),
            cat("futures", "java.util.concurrent.CompletableFuture", ""));

    private final Recording recording;
    private final Path file;
    private final long gcMillisAtStart;
    private final long gcCountAtStart;

    private static Category cat(String name, String classPrefix, String method) {
        return new Category(name, f -> f.getMethod() != null
                && f.getMethod().getType().getName().startsWith(classPrefix)
                && f.getMethod().getName().startsWith(method));
    }

    private CpuProfile(Path file) {
        this.file = file;
        this.recording = new Recording();
        // 10 ms Java samples and native samples (a thread in fsync is in native code, not "running Java").
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        recording.setToDisk(true);
        long[] gc = gcTotals();
        gcCountAtStart = gc[0];
        gcMillisAtStart = gc[1];
        recording.start();
    }

    /** Starts sampling every thread; the recording goes to a temp file in {@code dir}. */
    static CpuProfile start(Path dir) throws IOException {
        return new CpuProfile(Files.createTempFile(dir, "profile-", ".jfr"));
    }

    /**
     * Stops sampling and summarises: per thread group (the log writer thread, everything else), the share
     * of samples by category, then the hottest leaf methods overall.
     */
    List<String> stopAndSummarise(int topMethods) throws IOException {
        recording.stop();
        long[] gc = gcTotals();
        recording.dump(file);
        Map<String, Map<String, Integer>> byGroup = new LinkedHashMap<>();
        Map<String, Integer> groupTotals = new HashMap<>();
        Map<String, Integer> leaves = new HashMap<>();
        Map<String, Integer> nativeIo = new LinkedHashMap<>();
        int total = 0;
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                String type = e.getEventType().getName();
                if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                RecordedThread thread = e.getThread("sampledThread");
                String threadName = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
                // Idle native waits (epoll, accept, parking in native) are not work; fsync is.
                String category = classify(frames);
                String group = group(threadName);
                if (type.equals("jdk.NativeMethodSample")) {
                    // JFR samples few threads in native code per period, so these only show that I/O was seen,
                    // not its share; the wall-clock share of fsync comes from the log's own timer.
                    if (category.startsWith("fsync") || category.startsWith("file ")) {
                        nativeIo.merge(group + " in " + category, 1, Integer::sum);
                    }
                    continue;
                }
                byGroup.computeIfAbsent(group, g -> new HashMap<>()).merge(category, 1, Integer::sum);
                groupTotals.merge(group, 1, Integer::sum);
                RecordedFrame leaf = frames.get(0);
                leaves.merge(leaf.getMethod().getType().getName() + "." + leaf.getMethod().getName(), 1, Integer::sum);
                total++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%d samples of threads running Java code (10 ms period); "
                + "GC during the profile: %d collections, %d ms", total, gc[0] - gcCountAtStart, gc[1] - gcMillisAtStart));
        if (!nativeIo.isEmpty()) {
            out.add("native samples in file I/O (counts, not shares): " + nativeIo);
        }
        for (Map.Entry<String, Map<String, Integer>> g : byGroup.entrySet()) {
            int n = groupTotals.get(g.getKey());
            out.add(String.format(Locale.ROOT, "%s, share of its %d on-CPU samples:", g.getKey(), n));
            g.getValue().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(12)
                    .forEach(c -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s", 100.0 * c.getValue() / n, c.getKey())));
        }
        out.add("hottest leaf methods (all threads):");
        int all = Math.max(1, total);
        leaves.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(topMethods)
                .forEach(l -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s", 100.0 * l.getValue() / all, l.getKey())));
        return out;
    }

    @Override
    public void close() {
        recording.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temp file in the bench directory is removed with the directory.
        }
    }

    private static String classify(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            for (Category c : CATEGORIES) {
                if (c.matches().test(f)) {
                    return c.name();
                }
            }
        }
        RecordedFrame leaf = frames.get(0);
        return "other: " + leaf.getMethod().getType().getName();
    }

    private static String group(String thread) {
        if (thread.equals("storelog-log-writer")) {
            return "log writer thread";
        }
        if (thread.startsWith("bench-writer")) {
            return "bench writer threads";
        }
        if (thread.equals("main") || thread.startsWith("bench-")) {
            return "main / bench driver";
        }
        return "other threads";
    }

    private static long[] gcTotals() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
