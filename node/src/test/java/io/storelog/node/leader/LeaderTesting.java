package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Shared pieces of the leader tests: a store wired to a fake HQ, cheap backlogs, the exactly-once check. */
final class LeaderTesting {
    static final String STORE = "test-store";
    static final String TOKEN = "store-token-1";

    private LeaderTesting() {
    }

    /** A cluster builder whose nodes all upload to {@code hq}. */
    static TestCluster.Builder store(Path dir, FakeHq hq, int nodes) {
        return TestCluster.builder(dir).nodes(nodes).ackTimeoutMs(2_000)
                .override(ConfigKeys.HQ_URL, hq.url().toString()).override(ConfigKeys.HQ_TOKEN, TOKEN);
    }

    /** Appends {@code n} stock receipts on {@code node} (cheap entries, group-committed) and waits until durable. */
    static void backlog(StoreNode node, int n) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(node.stock().receive("SOAP", 1000, "backlog", "test"));
            if (writes.size() == 2_000) {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                writes.clear();
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * HQ holds exactly what {@code node} holds: the same vector, every entry once with the same bytes
     * (hash), nothing quarantined, nothing stored twice.
     */
    static void assertHqHoldsExactly(FakeHq hq, StoreNode node) {
        VersionVector mine = node.log().versionVector();
        assertThat(hq.vector()).isEqualTo(mine);
        assertThat(hq.doubles()).isEmpty();
        assertThat(hq.quarantined()).isZero();
        assertThat(hq.entries()).isEqualTo(mine.total());
        for (Map.Entry<String, Long> e : mine.asMap().entrySet()) {
            for (long seq = 1; seq <= e.getValue(); seq++) {
                String local = FakeHq.sha256(node.log().readBytes(e.getKey(), seq));
                if (!local.equals(hq.hash(e.getKey(), seq))) {
                    throw new AssertionError(e.getKey() + ":" + seq + " differs at HQ");
                }
            }
        }
    }

    /** The JSON status a user sees. */
    static com.fasterxml.jackson.databind.JsonNode status(StoreNode node) {
        return new io.storelog.node.testing.ApiClient(node.httpPort()).get("/api/status").body();
    }
}
