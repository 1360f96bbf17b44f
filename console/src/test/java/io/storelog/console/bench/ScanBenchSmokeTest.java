package io.storelog.console.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.storelog.console.StoreLogCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scan benchmark with a small catalog: every scan reaches the cart and the figures land in the results files. */
class ScanBenchSmokeTest {

    @Test
    @Timeout(120)
    void smallRunScansIntoTheCartAndWritesTheFigures(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "needs headless Chromium (.ci/run installs it)");
        Path out = tmp.resolve("results");
        String[] args = {"bench", "scan", "--products", "2000", "--scans", "12", "--warm-up", "3", "--per-sale", "5",
                "--dir", tmp.resolve("disk").toString(), "--out-dir", out.toString()};

        assertThat(StoreLogCli.execute(args)).isZero();

        List<Path> files = BenchResultsFiles.list(out);
        Path txt = BenchResultsFiles.endingWith(files, ".txt");
        assertThat(txt.getFileName().toString()).matches("scan-\\d{8}T\\d{6}Z\\.txt");
        String text = Files.readString(txt);
        assertThat(text).containsPattern("git commit\\s+\\S+").containsPattern("nproc\\s+Runtime.availableProcessors=\\d+")
                .containsPattern("filesystem\\s+\\S+ on \\S+")
                .contains("command                            storelog " + String.join(" ", args))
                .containsPattern("scan to cart\\s+p50\\s+\\d+\\.\\d+ ms\\s+p99\\s+\\d+\\.\\d+ ms\\s+p999\\s+[\\d.]+ ms\\s+max\\s+[\\d.]+ ms\\s+\\(n=12\\)")
                .contains("N/A   scan to cart p99, 50,000 products");
        assertThat(Files.readString(BenchResultsFiles.endingWith(files, ".json")))
                .contains("\"p99Ms\"");
    }
}
