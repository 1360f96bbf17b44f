package io.storelog.node.staff;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestStaff;
import io.storelog.node.testing.cluster.TestCluster;
import io.storelog.protocol.Entry;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staff from the bootstrap file reach every node, and a later StaffUpdate with a higher version (as
 * headquarters publishes it) wins on every node, also over a changed bootstrap file loaded after it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StaffVersionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NEW_PIN = "28461937";
    private static final String FILE_PIN = "46193728";
    private static final String BOB_FILE_PIN = "37284619";

    @TempDir
    Path dir;

    private static Response signIn(ApiClient api, String who, String pin) {
        return api.post("/api/session", ApiClient.object().put("cashier", who).put("pin", pin));
    }

    @Test
    void higherVersionWinsOnEveryNode() throws Exception {
        TestCluster.Builder b = TestCluster.builder(dir).nodes(3);
        TestStaff.overrides(dir).forEach(b::override);
        // Only node 0 loads the file: the others learn the staff from the log.
        b.override(1, ConfigKeys.STAFF_BOOTSTRAP_FILE, "");
        b.override(2, ConfigKeys.STAFF_BOOTSTRAP_FILE, "");
        try (TestCluster cluster = b.start()) {
            cluster.awaitConverged(WAIT);
            for (int i = 0; i < 3; i++) {
                assertThat(signIn(cluster.api(i), TestStaff.CASHIER, TestStaff.CASHIER_PIN).status()).isEqualTo(201);
            }

            // Headquarters' update, appended by node 2 as a leader appends what it pulls.
            byte[] salt = PinHasher.newSalt();
            StaffUpdate v1 = StaffUpdate.newBuilder().setStaffId(TestStaff.CASHIER).setName("Ann Lead").setRole(StaffRole.SUPERVISOR)
                    .setActive(true).setVersion(1).setSource("hq").setSalt(ByteString.copyFrom(salt)).setKdfIterations(1000)
                    .setPinHash(ByteString.copyFrom(PinHasher.hash(NEW_PIN, salt, 1000, TestStaff.CASHIER))).build();
            cluster.node(2).log().appendOwn((seq, stamp) -> Entry.newBuilder().setActor("hq").setStaffUpdate(v1)).join();
            cluster.awaitConverged(WAIT);
            assertVersionOneEverywhere(cluster);

            // A store-side file changing Ann's PIN again, loaded later (a new content hash, so it is
            // appended with a newer clock stamp), still loses to headquarters' higher version.
            Path file = Path.of(cluster.config(0).staff().bootstrapFile().orElseThrow().toString());
            Files.writeString(file, Files.readString(file).replace(TestStaff.CASHIER_PIN, FILE_PIN)
                    .replace(TestStaff.OTHER_CASHIER_PIN, BOB_FILE_PIN));
            cluster.restart(0);
            cluster.awaitConverged(WAIT);
            java.util.List<io.storelog.node.state.StaffMember> staff = cluster.node(0).state().staff(d -> d.all());
            assertThat(staff).hasSize(4);
            assertVersionOneEverywhere(cluster);
            assertThat(signIn(cluster.api(0), TestStaff.CASHIER, FILE_PIN).status()).isEqualTo(401);
            // The rest of the new file does apply: Bob's row is version 0 like the one it replaces, and newer.
            for (int i = 0; i < 3; i++) {
                ApiClient api = cluster.api(i);
                org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() ->
                        assertThat(signIn(api, TestStaff.OTHER_CASHIER, BOB_FILE_PIN).status()).isEqualTo(201));
                assertThat(signIn(api, TestStaff.OTHER_CASHIER, TestStaff.OTHER_CASHIER_PIN).status()).isEqualTo(401);
            }
        }
    }

    private static void assertVersionOneEverywhere(TestCluster cluster) {
        for (int i = 0; i < 3; i++) {
            ApiClient api = cluster.api(i);
            assertThat(signIn(api, TestStaff.CASHIER, TestStaff.CASHIER_PIN).status()).as("old PIN on node " + i).isEqualTo(401);
            Response ok = signIn(api, TestStaff.CASHIER, NEW_PIN);
            assertThat(ok.status()).as("new PIN on node " + i).isEqualTo(201);
            assertThat(ok.body().get("role").asText()).isEqualTo("supervisor");
            assertThat(ok.body().get("name").asText()).isEqualTo("Ann Lead");
        }
    }
}
