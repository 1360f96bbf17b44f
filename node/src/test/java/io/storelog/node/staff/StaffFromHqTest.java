package io.storelog.node.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.node.hq.HqNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staff come from headquarters through the log: a member published at HQ (real HQ on embedded Ignite)
 * can sign in on every lane, a later change at HQ (new PIN, deactivation) wins everywhere, and the PIN
 * is stored nowhere in the clear, neither at HQ nor on a lane.
 */
class StaffFromHqTest {
    private static final String TOKEN = "store-token-1";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aMemberPublishedAtHqSignsInOnEveryLaneAndLaterChangesWin() throws Exception {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\ntest-store," + TOKEN + "\n");
        Map<String, String> hqConfig = new HashMap<>(Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HTTP_PORT, "0",
                "hq.ignite-port", "0", ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HQ_STORES_FILE, stores.toString(), ConfigKeys.CATALOG_FILE, TestNodes.writeCatalog(dir).toString()));
        try (HqNode hq = HqNode.start(ConfigLoader.load(Optional.empty(), hqConfig));
             TestCluster c = TestCluster.builder(dir.resolve("store")).nodes(3)
                     .override(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hq.httpPort())
                     .override(ConfigKeys.HQ_TOKEN, TOKEN).start()) {
            c.awaitLinked(Duration.ofSeconds(20));
            ApiClient hqApi = new ApiClient(hq.httpPort());

            ApiClient.Response bad = hqApi.put("/api/hq/staff/ann", ApiClient.object().put("name", "Ann").put("role", "boss").put("pin", "4711"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.error()).contains("role 'boss'");
            ApiClient.Response shortPin = hqApi.put("/api/hq/staff/ann", ApiClient.object().put("name", "Ann").put("role", "cashier").put("pin", "12"));
            assertThat(shortPin.status()).isEqualTo(400);

            ApiClient.Response put = hqApi.put("/api/hq/staff/ann",
                    ApiClient.object().put("name", "Ann Example").put("role", "supervisor").put("pin", "473819"));
            assertThat(put.status()).as("%s", put).isEqualTo(200);
            assertThat(put.body().has("hash")).isFalse();
            for (int i = 0; i < 3; i++) {
                ApiClient lane = c.api(i);
                // Wait on the staff list, not by signing in: wrong PINs in a row lock a member out.
                await().atMost(Duration.ofSeconds(30)).until(() -> versionOf(lane, "ann") == put.body().get("version").asLong());
                assertThat(signIn(lane, "ann", "473819")).isEqualTo(201);
                assertThat(signIn(lane, "ann", "000000")).isEqualTo(401);
            }

            // A new PIN published later wins on every lane; the old one stops working.
            ApiClient.Response again = hqApi.put("/api/hq/staff/ann", ApiClient.object().put("name", "Ann Example")
                    .put("role", "supervisor").put("pin", "902614"));
            assertThat(again.status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                ApiClient lane = c.api(i);
                await().atMost(Duration.ofSeconds(30)).until(() -> versionOf(lane, "ann") == again.body().get("version").asLong());
                assertThat(signIn(lane, "ann", "473819")).isEqualTo(401);
                assertThat(signIn(lane, "ann", "902614")).isEqualTo(201);
            }
            c.awaitConverged(Duration.ofSeconds(20));
            for (String pin : new String[] {"473819", "902614"}) {
                assertThat(containsBytes(dir, pin)).as("PIN %s in the clear under %s", pin, dir).isFalse();
            }
        }
    }

    private static long versionOf(ApiClient lane, String id) {
        for (var m : lane.get("/api/staff").body()) {
            if (m.get("id").asText().equals(id)) {
                return m.get("version").asLong();
            }
        }
        return -1;
    }

    private static int signIn(ApiClient lane, String id, String pin) {
        return lane.post("/api/session", ApiClient.object().put("cashier", id).put("pin", pin)).status();
    }

    private static boolean containsBytes(Path root, String text) throws Exception {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] all;
                try {
                    all = Files.readAllBytes(f);
                } catch (java.io.IOException e) {
                    continue;
                }
                for (int i = 0; i + needle.length <= all.length; i++) {
                    int k = 0;
                    while (k < needle.length && all[i + k] == needle[k]) {
                        k++;
                    }
                    if (k == needle.length) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
