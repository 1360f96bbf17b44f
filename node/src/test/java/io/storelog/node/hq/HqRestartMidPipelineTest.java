package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.leader.UploadSettings;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real leader (several batches in flight) uploading into headquarters on embedded Ignite with persistence,
 * and headquarters restarted on its data as soon as it applied the first batch, while the next is on its way
 * or waiting for the store's lock: afterwards it holds every entry of the store exactly once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HqRestartMidPipelineTest {
    private static final String TOKEN = "tok-pipeline";
    /** The store TestNodes.till configures. */
    private static final String STORE = "test-store";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void hqRestartedBetweenTwoBatchesInFlightEndsWithEveryEntryOnce() throws Exception {
        int hqPort = TestCluster.freePort();
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\n" + STORE + "," + TOKEN + "\n");
        Map<String, String> hqOverrides = new HashMap<>(Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HTTP_PORT,
                Integer.toString(hqPort), ConfigKeys.HQ_IGNITE_PORT, "0", ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HQ_STORES_FILE, stores.toString()));
        NodeConfig hqConfig = ConfigLoader.load(Optional.empty(), hqOverrides);
        HqHttp http = new HqHttp(() -> hqPort);
        Files.createDirectories(dir.resolve("store"));
        try (StoreNode node = StoreNode.start(TestNodes.till(dir.resolve("store"), "till-1", Map.of(
                ConfigKeys.HQ_URL, "http://127.0.0.1:" + hqPort, ConfigKeys.HQ_TOKEN, TOKEN)))) {
            // Headquarters is away while the backlog builds: ten batches of it.
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = 0; i < 10 * UploadSettings.defaults().maxBatchEntries(); i++) {
                writes.add(node.stock().receive("SOAP", 1000, "backlog", "test"));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            long total = node.log().entries();

            HqNode hq = HqNode.start(hqConfig);
            long heldAtRestart;
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> entriesAt(http) > 0);
                // Closing lets the requests already running finish (at most the batches in flight), refuses the rest.
                heldAtRestart = entriesAt(http);
                hq.close();
                hq = HqNode.start(hqConfig);
                await().atMost(Duration.ofSeconds(90)).until(() -> entriesAt(http) == total);
                await().atMost(Duration.ofSeconds(10)).until(() -> node.leader().status().pendingEntries() == 0);
                JsonNode summary = http.get("/api/hq/stores/" + STORE, null).json();
                assertThat(heldAtRestart + 2L * UploadSettings.defaults().maxBatchEntries())
                        .as("headquarters stopped in the middle of the upload").isLessThan(total);
                assertThat(summary.get("entries").asLong()).as("every entry once").isEqualTo(total);
                assertThat(summary.get("quarantined").asLong()).isZero();
                assertThat(summary.get("batches").asLong()).as("more than one batch").isGreaterThan(1);
                assertThat(node.leader().status().lastError()).isNull();
            } finally {
                hq.close();
            }
        }
    }

    private static long entriesAt(HqHttp http) {
        HqHttp.Answer a = http.get("/api/hq/stores/" + STORE, null);
        return a.status() == 200 ? a.json().get("entries").asLong() : 0;
    }
}
