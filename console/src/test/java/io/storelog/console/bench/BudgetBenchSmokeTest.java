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

/** The budgets benchmark end to end with tiny parameters: it runs and writes both latencies and a throughput that are not zero. */
class BudgetBenchSmokeTest {

    @Test
    @Timeout(120)
    void tinyRunWritesBothLatenciesAndAThroughput(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("results");
        Path data = tmp.resolve("disk");
        String[] args = {"bench", "budgets", "--nodes", "3", "--samples", "5", "--seconds", "1",
            "--dir", data.toString(), "--out-dir", out.toString()};

        assertThat(StoreLogCli.execute(args)).isZero();

        List<Path> files = BenchResultsFiles.list(out);
        Path txt = BenchResultsFiles.endingWith(files, ".txt");
        assertThat(txt.getFileName().toString()).matches("budgets-\\d{8}T\\d{6}Z\\.txt");
        String text = Files.readString(txt);
        assertThat(text).containsPattern("git commit\\s+([0-9a-f]{40}(-dirty)?|unknown.*)\\n");
        assertThat(text).containsPattern("filesystem\\s+\\S+ on \\S+");
        assertThat(text).contains("command                            storelog " + String.join(" ", args));
        assertThat(BenchResultsFiles.figure(text, "no transfer \\(share covers it\\)\\s+p50\\s+([\\d.]+) ms")).isPositive();
        assertThat(BenchResultsFiles.figure(text, "with a transfer from a peer\\s+p50\\s+([\\d.]+) ms")).isPositive();
        assertThat(BenchResultsFiles.figure(text, "with a transfer from a peer[^\\n]*\\(n=([\\d,]+)\\)")).isEqualTo(5);
        assertThat(BenchResultsFiles.figure(text, "limited-item sales/s\\s+([\\d,]+)")).isPositive();
        assertThat(BenchResultsFiles.figure(text, "\\(([\\d,]+) sales, 0 failed\\)")).isPositive();
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
