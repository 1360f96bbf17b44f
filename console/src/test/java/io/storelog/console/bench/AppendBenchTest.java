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

/** The append benchmark end to end with tiny parameters: it runs, and its results file carries what a reader needs. */
class AppendBenchTest {

    @Test
    @Timeout(60)
    void tinyRunWritesAResultsFileWithProvenanceAndFigures(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path data = tmp.resolve("disk");
        String[] args = {"bench", "append", "--seconds", "1", "--warmup", "0.2", "--levels", "1,2",
            "--recovery-entries", "2000", "--search-products", "2000", "--search-queries", "500", "--http-queries", "50",
            "--catalog-products", "300", "--fsync-iterations", "50", "--stage-bills", "500", "--no-profile", "--no-cold-recovery",
            "--dir", data.toString(), "--out-dir", out.toString()};

        assertThat(StoreLogCli.execute(args)).isZero();

        List<Path> files = BenchResultsFiles.list(out);
        assertThat(files).hasSize(2);
        Path txt = BenchResultsFiles.endingWith(files, ".txt");
        assertThat(txt.getFileName().toString()).matches("append-\\d{8}T\\d{6}Z\\.txt");
        assertThat(files.stream().anyMatch(p -> p.toString().endsWith(".json"))).isTrue();
        String text = Files.readString(txt);

        assertThat(text).containsPattern("git commit\\s+([0-9a-f]{40}(-dirty)?|unknown.*)\\n");
        assertThat(text).containsPattern("nproc\\s+Runtime.availableProcessors=\\d+, nproc command=");
        assertThat(text).containsPattern("filesystem\\s+\\S+ on \\S+");
        assertThat(text).contains("command                            storelog " + String.join(" ", args));
        assertThat(text).contains("process command line");
        for (String level : List.of("1 writer ", "2 writers")) {
            Matcher m = Pattern.compile(Pattern.quote(level) + "\\s+([\\d,]+) bills/s").matcher(text);
            assertThat(m.find()).as("a bills/s figure for %s", level).isTrue();
            assertThat(Long.parseLong(m.group(1).replace(",", ""))).as("bills/s at %s", level).isPositive();
        }
        assertThat(text).contains("Raw fsync baseline").contains("fresh JVM, page cache warm")
                .contains("StoreState.searchCatalog").contains("== Targets");
        // The benchmark cleans up after itself on the disk under test.
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
