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

/**
 * The headquarters benchmark end to end with a tiny backlog: the upload really reaches headquarters (every
 * entry, none twice), both Ignite baselines load every entry, and the results files carry the figures.
 */
class HqBenchSmokeTest {

    @Test
    @Timeout(120)
    void tinyRunUploadsEverythingAndWritesTheFigures(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path data = tmp.resolve("disk");
        // Several of the leader's batches: the ingest rate is timed from the first batch applied to the last.
        String[] args = {"bench", "hq", "--backlog", "12000", "--quick", "--dir", data.toString(), "--out-dir", out.toString()};

        assertThat(StoreLogCli.execute(args)).isZero();

        List<Path> files = BenchResultsFiles.list(out);
        Path txt = BenchResultsFiles.endingWith(files, ".txt");
        assertThat(txt.getFileName().toString()).matches("hq-\\d{8}T\\d{6}Z\\.txt");
        Path json = BenchResultsFiles.endingWith(files, ".json");
        String text = Files.readString(txt);

        assertThat(text).containsPattern("git commit\\s+([0-9a-f]{40}(-dirty)?|unknown.*)\\n");
        assertThat(text).containsPattern("nproc\\s+Runtime.availableProcessors=\\d+");
        assertThat(text).containsPattern("filesystem\\s+\\S+ on \\S+");
        assertThat(text).contains("command                            storelog " + String.join(" ", args));

        assertThat(BenchResultsFiles.figure(text, "entries\\s+([\\d,]+) = ")).as("backlog").isEqualTo(12000);
        assertThat(BenchResultsFiles.figure(text, "\\+ ([\\d,]+) bills \\(BillMix")).as("bills in the backlog").isPositive();
        // Headquarters holds exactly the backlog: nothing lost, nothing twice, nothing quarantined.
        assertThat(BenchResultsFiles.figure(text, "headquarters holds\\s+([\\d,]+) entries")).isEqualTo(12000);
        assertThat(BenchResultsFiles.figure(text, "entries per batch; ([\\d,]+) duplicates")).isZero();
        assertThat(BenchResultsFiles.figure(text, "duplicates, ([\\d,]+) quarantined")).isZero();
        assertThat(BenchResultsFiles.figure(text, "pending for headquarters: ([\\d,]+)")).isZero();
        assertThat(BenchResultsFiles.figure(text, "ingest entries/s\\s+([\\d,]+)")).as("upload entries/s").isPositive();
        assertThat(BenchResultsFiles.figure(text, "backlog time\\s+([\\d.]+) s")).as("backlog seconds").isPositive();
        assertThat(BenchResultsFiles.figure(text, "transactional putAll[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+entries/s\\s+([\\d,]+)")).as("putAll entries/s").isPositive();
        assertThat(BenchResultsFiles.figure(text, "IgniteDataStreamer[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+entries/s\\s+([\\d,]+)")).as("streamer entries/s").isPositive();
        assertThat(text).containsPattern("the cache then held 12,000\\)[\\s\\S]*the cache then held 12,000\\)");
        assertThat(BenchResultsFiles.figure(text, "ratio StoreLog / best Ignite\\s+([\\d]+)%")).as("ratio").isPositive();
        assertThat(text).containsPattern("WALMode.FSYNC").contains("== Targets")
                .containsPattern("(PASS|FAIL)  StoreLog upload >= 75% of Ignite's best bulk load")
                .contains("N/A   backlog of 1,000,000 entries uploaded");
        assertThat(Files.readString(json)).contains("\"entriesPerSecond\"").contains("\"ratio\"");
        // The benchmark cleans up after itself on the disk under test.
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
