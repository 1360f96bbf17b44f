package io.storelog.node.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs the fault suite ({@link ChaosRun}). By default the short variant of the normal build: 3 store nodes
 * and headquarters, 90 s of faults. {@code bin/storelog chaos --duration 30m --nodes 5} runs the long one
 * through the same test with system properties: {@code chaos.nodes}, {@code chaos.duration} (e.g. 90s,
 * 30m), {@code chaos.seed}, {@code chaos.out} (where the summary goes) and {@code chaos.command} (the
 * command line the summary names). Network namespaces need root; without them the test is skipped with
 * the reason printed (CI runs as root).
 */
class ChaosSuiteTest {

    @Test
    void everyAcknowledgedBillSurvivesTheFaultsExactlyOnceEverywhere() {
        Optional<String> unavailable = TestHosts.unavailable();
        unavailable.ifPresent(why -> System.out.println("fault suite skipped: " + why));
        assumeTrue(unavailable.isEmpty(), () -> "fault suite needs network namespaces: " + unavailable.orElse(""));
        int nodes = Integer.getInteger("chaos.nodes", 3);
        Duration duration = parse(System.getProperty("chaos.duration", "90s"));
        long seed = Long.getLong("chaos.seed", System.nanoTime() & 0xffffffffL);
        Duration window = duration.compareTo(Duration.ofMinutes(20)) >= 0 ? Duration.ofMinutes(10) : duration.dividedBy(2);
        String stamp = Instant.now().toString().replace(":", "").replace(".", "");
        Path work = Path.of("target", "chaos", stamp).toAbsolutePath();
        Path out = Path.of(System.getProperty("chaos.out", "target/chaos-results")).toAbsolutePath();
        String command = System.getProperty("chaos.command",
                "mvn -B -pl node -am verify (ChaosSuiteTest, short variant) -Dchaos.seed=" + seed);
        System.out.printf("fault suite: %d nodes, %s, seed %d, work dir %s%n", nodes, duration, seed, work);
        ChaosRun.Settings settings = new ChaosRun.Settings(nodes, duration, seed, window, work, out, command);
        ChaosRun.Result result = assertTimeoutPreemptively(duration.plus(Duration.ofMinutes(15)), () -> ChaosRun.run(settings));
        assertThat(result.passed()).as("fault suite (summary in %s):%n%s", result.file(), result.summary()).isTrue();
    }

    /** 90s, 30m, 1h, or an ISO-8601 duration. */
    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("chaos.duration must end in s, m or h: " + text);
        };
    }
}
