package io.storelog.node.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.state.StateDigest;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log stays bounded: segments headquarters holds are archived behind a fold of them (base.bin);
 * the node restarts from it to the same state, and a replaced till starts from a peer's base plus the
 * tail, converging to the same digest without the archived entries ever travelling.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArchiveTest {
    private static final int RECEIPTS = 30_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void archivedSegmentsAreGoneYetStateRestartsAndAReplacedTillStartsFromAPeersBase() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override(ConfigKeys.LOG_SEGMENT_BYTES, "1048576").start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            c.awaitAllReady(Duration.ofSeconds(15));
            List<String> oldBills = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                Response r = c.api(k % 3).post("/api/bills", ClusterBills.oneJson("old-" + k, "MILK-1L"));
                assertThat(r.status()).as("%s", r).isEqualTo(201);
                oldBills.add(r.body().get("id").asText());
            }
            receive(c.node(0), RECEIPTS);
            c.awaitConverged(Duration.ofSeconds(60));
            // What headquarters would have confirmed: everything held now.
            VersionVector confirmed = c.node(0).log().versionVector();
            Response newer = c.api(1).post("/api/bills", ClusterBills.oneJson("after-confirm", "BREAD"));
            assertThat(newer.status()).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(30));
            StateDigest before = c.digest(0);

            for (int i = 0; i < 2; i++) {
                long segmentsBefore = segments(c.dataDir(i));
                long through = c.node(i).log().archive(confirmed, Long.MAX_VALUE);
                assertThat(through).as("archived on %s", c.name(i)).isPositive();
                assertThat(segments(c.dataDir(i))).as("segment files on %s", c.name(i)).isLessThan(segmentsBefore);
                assertThat(c.digest(i).digest()).as("archiving changes no state").isEqualTo(before.digest());
                assertThat(c.node(i).log().archive(confirmed, Long.MAX_VALUE)).as("nothing more to archive").isZero();
            }
            // Entries below the confirmed vector only: the bill made after it is still on disk.
            Response gone = c.api(0).get("/api/bills/" + oldBills.get(0));
            assertThat(gone.status()).as("%s", gone).isEqualTo(410);
            assertThat(c.api(0).get("/api/bills/" + newer.body().get("id").asText()).status()).isEqualTo(200);

            // A restart rebuilds the same state from base.bin / the snapshot plus the kept segments.
            c.restart(0);
            c.awaitReady(0, Duration.ofSeconds(30));
            assertThat(c.digest(0).digest()).isEqualTo(before.digest());
            assertThat(c.api(0).post("/api/bills", ClusterBills.oneJson("after-restart", "SOAP")).status()).isEqualTo(201);

            // A replaced till: empty disk, new incarnation; the others no longer hold the archived entries.
            c.kill(2);
            TestCluster.deleteTree(c.dataDir(2));
            c.start(2);
            c.awaitReady(2, Duration.ofSeconds(60));
            c.awaitConverged(Duration.ofSeconds(60));
            assertThat(Files.exists(c.dataDir(2).resolve("base.required"))).isTrue();
            assertThat(c.node(2).state().billCount()).isEqualTo(c.node(0).state().billCount());
            assertThat(c.node(2).state().onHandMilli("STAMP")).isEqualTo(c.node(0).state().onHandMilli("STAMP"));
            assertThat(c.api(2).get("/api/bills/" + oldBills.get(1)).status()).isEqualTo(410);
            Response fresh = c.api(2).post("/api/bills", ClusterBills.oneJson("on-the-new-till", "WINE"));
            assertThat(fresh.status()).as("%s", fresh).isEqualTo(201);
            assertThat(fresh.body().get("number").asLong()).as("numbering continues after the base's bills").isEqualTo(3);
            c.awaitConverged(Duration.ofSeconds(30));

            // The replaced till restarts from the base it took (its own log alone would lose the history).
            c.restart(2);
            c.awaitReady(2, Duration.ofSeconds(30));
            c.awaitConverged(Duration.ofSeconds(30));

            // A damaged rolling snapshot: base.bin plus the kept segments give the same state.
            StateDigest converged = c.digest(0);
            c.stop(0);
            Files.write(c.dataDir(0).resolve("snapshot.bin"), new byte[] {1, 2, 3});
            c.start(0);
            c.awaitReady(0, Duration.ofSeconds(30));
            assertThat(c.digest(0).digest()).isEqualTo(converged.digest());
            // Both damaged: the node refuses to start rather than fold a log that lost its beginning.
            c.stop(0);
            Files.write(c.dataDir(0).resolve("snapshot.bin"), new byte[] {1, 2, 3});
            Files.write(c.dataDir(0).resolve("base.bin"), new byte[] {4, 5, 6});
            assertThatThrownBy(() -> c.start(0)).isInstanceOf(StoreLogException.class)
                    .hasMessageContaining("was archived").hasMessageContaining("base.bin");
        }
    }

    private static void receive(StoreNode node, int n) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(node.stock().receive("STAMP", 1_000, "delivery", "test"));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private static long segments(Path dataDir) throws Exception {
        try (Stream<Path> s = Files.list(dataDir.resolve("log"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("log_")).count();
        }
    }
}
