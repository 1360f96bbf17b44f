package io.storelog.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.console.StoreLogCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The replication benchmark end to end with tiny parameters (no Ignite): it runs and writes figures that are not zero. */
class ReplicateBenchSmokeTest {

    @Test
    @Timeout(120)
    void tinyRunWritesAResultsFileWithNonZeroFigures(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path data = tmp.resolve("disk");
        String[] args = {"bench", "replicate", "--nodes", "3", "--seconds", "1", "--catch-up-entries", "2000",
            "--dir", data.toString(), "--out-dir", out.toString()};

        assertThat(StoreLogCli.execute(args)).isZero();

        List<Path> files = BenchResultsFiles.list(out);
        Path txt = BenchResultsFiles.endingWith(files, ".txt");
        assertThat(txt.getFileName().toString()).matches("replicate-\\d{8}T\\d{6}Z\\.txt");
        assertThat(files.stream().anyMatch(p -> p.toString().endsWith(".json"))).isTrue();
        String text = Files.readString(txt);

        assertThat(text).containsPattern("git commit\\s+([0-9a-f]{40}(-dirty)?|unknown.*)\\n");
        assertThat(text).containsPattern("nproc\\s+Runtime.availableProcessors=\\d+, nproc command=");
        assertThat(text).containsPattern("filesystem\\s+\\S+ on \\S+");
        assertThat(text).contains("command                            storelog " + String.join(" ", args));

        assertThat(BenchResultsFiles.figure(text, "durable bills/s\\s+([\\d,]+)")).as("aggregate bills/s").isPositive();
        assertThat(BenchResultsFiles.figure(text, "bill answer latency\\s+p50\\s+([\\d.]+) ms")).as("bill p50").isPositive();
        assertThat(BenchResultsFiles.figure(text, "Raw fsync[^\\n]*\\n\\s+latency\\s+p50\\s+([\\d.]+) ms")).as("fsync p50").isPositive();
        assertThat(BenchResultsFiles.figure(text, "bill p99 / raw fsync p99\\s+([\\d.]+)")).as("p99 ratio").isPositive();
        // The floor is two forces in a row: never below one raw fsync, whatever the machine.
        assertThat(BenchResultsFiles.figure(text, "Floor of a two-replica[^\\n]*\\n\\s+latency\\s+p50\\s+([\\d.]+) ms")).as("floor p50")
                .isGreaterThan(BenchResultsFiles.figure(text, "Raw fsync[^\\n]*\\n\\s+latency\\s+p50\\s+([\\d.]+) ms"));
        assertThat(BenchResultsFiles.figure(text, "bill p99 / two-replica floor p99\\s+([\\d.]+)")).as("bill / floor").isPositive();
        assertThat(BenchResultsFiles.figure(text, "cashier's pace[^\\n]*\\n\\s+offered\\s+[\\d,]+ bills in [\\d.]+ s = [\\d,]+ bills/s; ([\\d,]+) answered"))
                .as("bills answered at a cashier's pace").isPositive();
        assertThat(text).containsPattern("(PASS|FAIL)  bill answer p99 <= 3 x raw fsync p99");
        assertThat(BenchResultsFiles.figure(text, "lag to EVERY other node\\s+p50\\s+([\\d.]+) ms")).as("lag p50").isNotNegative();
        assertThat(BenchResultsFiles.figure(text, "lag to EVERY other node[^\\n]*\\(n=([\\d,]+)\\)")).as("lag samples").isPositive();
        assertThat(BenchResultsFiles.figure(text, "catch-up\\s+([\\d,]+) missing entries")).as("entries caught up").isEqualTo(2000);
        assertThat(BenchResultsFiles.figure(text, "missing entries in [\\d.]+ s = ([\\d,]+) entries/s")).as("catch-up rate").isPositive();
        assertThat(BenchResultsFiles.figure(text, "cut off: durable bills/s\\s+([\\d,]+)")).as("cut-off bills/s").isPositive();
        assertThat(text).contains("== Targets").contains("PASS  a cut-off StoreLog lane keeps billing");
        // The benchmark cleans up after itself on the disk under test.
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
