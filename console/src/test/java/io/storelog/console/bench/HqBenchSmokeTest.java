package io.storelog.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.console.StoreLogCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.sorted().toList();
        }
        Path txt = files.stream().filter(p -> p.toString().endsWith(".txt")).findFirst().orElseThrow();
        assertThat(txt.getFileName().toString()).matches("hq-\\d{8}T\\d{6}Z\\.txt");
        Path json = files.stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        String text = Files.readString(txt);

        assertThat(text).containsPattern("git commit\\s+([0-9a-f]{40}(-dirty)?|unknown.*)\\n");
        assertThat(text).containsPattern("nproc\\s+Runtime.availableProcessors=\\d+");
        assertThat(text).containsPattern("filesystem\\s+\\S+ on \\S+");
        assertThat(text).contains("command                            storelog " + String.join(" ", args));

        assertThat(figure(text, "entries\\s+([\\d,]+) = ")).as("backlog").isEqualTo(12000);
        assertThat(figure(text, "\\+ ([\\d,]+) bills \\(BillMix")).as("bills in the backlog").isPositive();
        // Headquarters holds exactly the backlog: nothing lost, nothing twice, nothing quarantined.
        assertThat(figure(text, "headquarters holds\\s+([\\d,]+) entries")).isEqualTo(12000);
        assertThat(figure(text, "entries per batch; ([\\d,]+) duplicates")).isZero();
        assertThat(figure(text, "duplicates, ([\\d,]+) quarantined")).isZero();
        assertThat(figure(text, "pending for headquarters: ([\\d,]+)")).isZero();
        assertThat(figure(text, "ingest entries/s\\s+([\\d,]+)")).as("upload entries/s").isPositive();
        assertThat(figure(text, "backlog time\\s+([\\d.]+) s")).as("backlog seconds").isPositive();
        assertThat(figure(text, "transactional putAll[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+entries/s\\s+([\\d,]+)")).as("putAll entries/s").isPositive();
        assertThat(figure(text, "IgniteDataStreamer[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+entries/s\\s+([\\d,]+)")).as("streamer entries/s").isPositive();
        assertThat(text).containsPattern("the cache then held 12,000\\)[\\s\\S]*the cache then held 12,000\\)");
        assertThat(figure(text, "ratio StoreLog / best Ignite\\s+([\\d]+)%")).as("ratio").isPositive();
        assertThat(text).containsPattern("WALMode.FSYNC").contains("== Targets")
                .containsPattern("(PASS|FAIL)  StoreLog upload >= 75% of Ignite's best bulk load")
                .contains("N/A   backlog of 1,000,000 entries uploaded");
        assertThat(Files.readString(json)).contains("\"entriesPerSecond\"").contains("\"ratio\"");
        // The benchmark cleans up after itself on the disk under test.
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    private static double figure(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in the results file", regex).isTrue();
        return m.groupCount() == 0 ? 1 : Double.parseDouble(m.group(1).replace(",", ""));
    }
}
