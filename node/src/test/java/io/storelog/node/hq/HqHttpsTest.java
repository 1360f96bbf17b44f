package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.tls.Certificates;
import io.storelog.node.tls.HqTrust;
import io.storelog.node.tls.Pem;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headquarters over HTTPS (hq.tls-cert, hq.tls-key) with the per-store token, against embedded Ignite:
 * a store that trusts HQ's certificate (hq.tls-trust) or pins it (hq.tls-pin) uploads end to end; a
 * store trusting or pinning another certificate, one without its token, and one with another store's
 * token get nothing written; the operator API there needs the API token.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HqHttpsTest {
    private static final String ADMIN = "hq-admin-token";

    @TempDir
    static Path dir;

    private static HqNode hq;
    private static Certificates.Issued hqCert;
    private static Path hqPem;
    private static Path otherPem;
    private static HqHttp admin;

    @BeforeAll
    static void startHeadquartersOverHttps() throws Exception {
        hqCert = Certificates.selfSigned("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        hqPem = dir.resolve("hq.pem");
        Pem.writeCertificates(hqPem, List.of(hqCert.cert()));
        Pem.writePrivateKey(dir.resolve("hq-key.pem"), hqCert.key());
        // What a store would be handed by mistake (or by an attacker): a certificate for the same names.
        otherPem = dir.resolve("other.pem");
        Pem.writeCertificates(otherPem, List.of(
                Certificates.selfSigned("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).cert()));
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\n"
                + "s-trust,tok-trust\ns-pin,tok-pin\ns-wrong,tok-wrong\ns-pinwrong,tok-pinwrong\ns-notoken,tok-notoken\n"
                + "s-foreign,tok-foreign\n");
        Map<String, String> o = new HashMap<>(Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HTTP_PORT, "0",
                ConfigKeys.HQ_IGNITE_PORT, "0", ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HQ_STORES_FILE, stores.toString(), ConfigKeys.HTTP_API_TOKEN, ADMIN));
        o.put(ConfigKeys.HQ_TLS_CERT, hqPem.toString());
        o.put(ConfigKeys.HQ_TLS_KEY, dir.resolve("hq-key.pem").toString());
        hq = HqNode.start(ConfigLoader.load(Optional.empty(), o));
        admin = new HqHttp(hq::httpPort, HqTrust.context(Optional.of(hqPem), Optional.empty()));
    }

    @AfterAll
    static void stop() {
        if (hq != null) {
            hq.close();
        }
    }

    @Test
    void storesTrustingOrPinningHqsCertificateUploadEveryBill() throws Exception {
        try (StoreNode trusting = store("s-trust", "tok-trust", ConfigKeys.HQ_TLS_TRUST, hqPem.toString());
                StoreNode pinning = store("s-pin", "tok-pin", ConfigKeys.HQ_TLS_PIN, hqCert.fingerprint())) {
            for (StoreNode n : List.of(trusting, pinning)) {
                for (int i = 0; i < 3; i++) {
                    n.bills().submit(ClusterBills.one("https-" + i, "BREAD")).get(20, TimeUnit.SECONDS);
                }
            }
            for (String s : List.of("s-trust", "s-pin")) {
                StoreNode n = s.equals("s-trust") ? trusting : pinning;
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    HqHttp.Answer a = admin.get("/api/hq/stores/" + s, ADMIN);
                    return a.status() == 200 && a.json().get("entries").asLong() == n.log().entries();
                });
                assertThat(admin.get("/api/hq/stores/" + s, ADMIN).json().get("bills").asLong()).isEqualTo(3);
                await().atMost(Duration.ofSeconds(10)).until(() -> status(n).at("/hq/pendingEntries").asLong() == 0);
            }
        }
    }

    @Test
    void aStoreTrustingOrPinningAnotherCertificateSendsNothing() throws Exception {
        try (StoreNode wrongTrust = store("s-wrong", "tok-wrong", ConfigKeys.HQ_TLS_TRUST, otherPem.toString());
                StoreNode wrongPin = store("s-pinwrong", "tok-pinwrong", ConfigKeys.HQ_TLS_PIN,
                        Certificates.fingerprint(Pem.certificates(otherPem).get(0)))) {
            wrongTrust.bills().submit(ClusterBills.one("w-1", "BREAD")).get(20, TimeUnit.SECONDS);
            wrongPin.bills().submit(ClusterBills.one("p-1", "BREAD")).get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(status(wrongTrust).at("/hq/lastError").asText()).contains("SSLHandshakeException");
                assertThat(status(wrongPin).at("/hq/lastError").asText()).contains("SSLHandshakeException");
            });
            for (StoreNode n : List.of(wrongTrust, wrongPin)) {
                assertThat(status(n).at("/hq/reachable").asBoolean()).isFalse();
                assertThat(status(n).at("/hq/pendingEntries").asLong()).isEqualTo(n.log().entries());
            }
            assertThat(hq.store().vector("s-wrong").getEntriesCount()).as("nothing of s-wrong at HQ").isZero();
            assertThat(hq.store().vector("s-pinwrong").getEntriesCount()).isZero();
        }
        // The same refusal from a bare HTTPS client: its TLS handshake fails before any request is sent.
        HqHttp wrongClient = new HqHttp(hq::httpPort, HqTrust.context(Optional.of(otherPem), Optional.empty()));
        assertThatThrownBy(() -> wrongClient.get("/api/hq/stores", ADMIN)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("SSL");
    }

    @Test
    void aStoreWithoutItsTokenOrWithAnotherStoresTokenWritesNothing() throws Exception {
        try (StoreNode noToken = store("s-notoken", "not-a-token", ConfigKeys.HQ_TLS_TRUST, hqPem.toString());
                StoreNode foreign = store("s-foreign", "tok-trust", ConfigKeys.HQ_TLS_TRUST, hqPem.toString())) {
            noToken.bills().submit(ClusterBills.one("t-1", "BREAD")).get(20, TimeUnit.SECONDS);
            foreign.bills().submit(ClusterBills.one("f-1", "BREAD")).get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(status(noToken).at("/hq/lastError").asText()).contains("401");
                assertThat(status(foreign).at("/hq/lastError").asText()).contains("403");
            });
            assertThat(hq.store().vector("s-notoken").getEntriesCount()).isZero();
            assertThat(hq.store().vector("s-foreign").getEntriesCount()).isZero();
            assertThat(hq.store().vector("s-trust").getEntriesList()).as("nor under the store whose token it used")
                    .noneMatch(e -> e.getOrigin().equals(foreign.log().origin()));
        }
        // Straight to the upload endpoint: no token is 401, another store's token 403; nothing is stored.
        List<com.google.protobuf.ByteString> entries = List.of(TestEntries.bill("till1-zz", 1, 100), TestEntries.bill("till1-zz", 2, 100));
        assertThat(admin.upload("s-notoken", null, entries).status()).isEqualTo(401);
        assertThat(admin.upload("s-notoken", "tok-pin", entries).status()).isEqualTo(403);
        assertThat(hq.store().vector("s-notoken").getEntriesCount()).isZero();
    }

    @Test
    void theOperatorApiNeedsTheApiToken() {
        String price = "{\"name\": \"Bread\", \"taxClass\": \"reduced\", \"price\": 1}";
        long versionBefore = hq.store().catalogVersion();
        for (String token : new String[] {null, "tok-trust", "wrong"}) {
            assertThat(admin.get("/api/hq/stores", token).status()).as("stores list with %s", token).isEqualTo(401);
            assertThat(admin.get("/api/hq/stores/s-trust", token).status()).isEqualTo(401);
            assertThat(admin.put("/api/hq/catalog/products/BREAD", token, price).status()).isEqualTo(401);
            assertThat(admin.put("/api/hq/staff/eve", token, "{\"name\":\"Eve\",\"role\":\"manager\",\"pin\":\"123456\"}").status())
                    .isEqualTo(401);
            assertThat(admin.post("/api/hq/catalog/prices", token,
                    "{\"sku\":\"BREAD\",\"price\":1,\"effectiveAt\":\"2030-01-01T00:00:00Z\"}").status()).isEqualTo(401);
        }
        assertThat(hq.store().catalogVersion()).as("nothing published without the API token").isEqualTo(versionBefore);
        assertThat(admin.get("/api/hq/stores", ADMIN).status()).isEqualTo(200);
    }

    private static StoreNode store(String store, String token, String trustKey, String trustValue) {
        Path d;
        try {
            d = Files.createDirectories(dir.resolve(store));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return StoreNode.start(TestNodes.till(d, "till-1", Map.of(ConfigKeys.STORE_ID, store,
                ConfigKeys.HQ_URL, "https://127.0.0.1:" + hq.httpPort(), ConfigKeys.HQ_TOKEN, token, trustKey, trustValue)));
    }

    private static JsonNode status(StoreNode n) {
        return new ApiClient(n.httpPort()).get("/api/status").body();
    }
}
