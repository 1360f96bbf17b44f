package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings: peer TLS is on unless turned off; a store CA needs all three files and TLS; HTTPS at
 * headquarters needs certificate and key; a store trusts HQ by a trust file or a pin, only on an https URL.
 */
class TlsConfigTest {
    @TempDir
    Path dir;

    @Test
    void peerTlsIsOnByDefaultAndCanBeTurnedOff() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).peer().tls()).isTrue();
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).peer().tlsFiles()).isEmpty();
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.PEER_TLS, "false")).peer().tls()).isFalse();
        assertThat(ConfigLoader.fromArgs(java.util.List.of("--peer-tls", "false")).peer().tls()).isFalse();
    }

    @Test
    void aStoreCaNeedsAllThreeFilesAndTls() throws IOException {
        Map<String, String> all = Map.of(ConfigKeys.PEER_TLS_CA, file("ca.pem"), ConfigKeys.PEER_TLS_CERT, file("n.pem"),
                ConfigKeys.PEER_TLS_KEY, file("n-key.pem"));
        PeerTlsFiles f = ConfigLoader.load(Optional.empty(), all).peer().tlsFiles().orElseThrow();
        assertThat(f.ca()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(f.key()).isEqualTo(dir.resolve("n-key.pem"));

        Map<String, String> noKey = new HashMap<>(all);
        noKey.remove(ConfigKeys.PEER_TLS_KEY);
        assertKey(noKey, ConfigKeys.PEER_TLS_KEY);
        Map<String, String> plain = new HashMap<>(all);
        plain.put(ConfigKeys.PEER_TLS, "false");
        assertKey(plain, ConfigKeys.PEER_TLS_CA);
        assertKey(Map.of(ConfigKeys.PEER_TLS_CA, dir.resolve("missing.pem").toString(), ConfigKeys.PEER_TLS_CERT, file("n.pem"),
                ConfigKeys.PEER_TLS_KEY, file("n-key.pem")), ConfigKeys.PEER_TLS_CA);
    }

    @Test
    void httpsAtHeadquartersAndTheStoresTrustInIt() throws IOException {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\ns1,t1\n");
        Map<String, String> hq = Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HQ_STORES_FILE, stores.toString(),
                ConfigKeys.HQ_TLS_CERT, file("hq.pem"), ConfigKeys.HQ_TLS_KEY, file("hq-key.pem"));
        assertThat(ConfigLoader.load(Optional.empty(), hq).hq().servesHttps()).isTrue();
        Map<String, String> noKey = new HashMap<>(hq);
        noKey.remove(ConfigKeys.HQ_TLS_KEY);
        assertKey(noKey, ConfigKeys.HQ_TLS_KEY);
        assertKey(Map.of(ConfigKeys.HQ_TLS_CERT, file("hq.pem"), ConfigKeys.HQ_TLS_KEY, file("hq-key.pem")), ConfigKeys.HQ_TLS_CERT);

        String pin = "AB:".repeat(31) + "AB";
        HqSection s = ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.HQ_URL, "https://hq.example:8443",
                ConfigKeys.HQ_TLS_PIN, pin)).hq();
        assertThat(s.tlsPin()).contains("ab".repeat(32));
        assertKey(Map.of(ConfigKeys.HQ_URL, "https://hq.example:8443", ConfigKeys.HQ_TLS_PIN, "abcd"), ConfigKeys.HQ_TLS_PIN);
        assertKey(Map.of(ConfigKeys.HQ_URL, "http://hq.example:8090", ConfigKeys.HQ_TLS_PIN, pin), ConfigKeys.HQ_TLS_PIN);
        assertKey(Map.of(ConfigKeys.HQ_URL, "http://hq.example:8090", ConfigKeys.HQ_TLS_TRUST, file("hq.pem")), ConfigKeys.HQ_TLS_TRUST);
        assertKey(Map.of(ConfigKeys.HQ_URL, "https://hq.example:8443", ConfigKeys.HQ_TLS_TRUST, file("hq.pem"),
                ConfigKeys.HQ_TLS_PIN, pin), ConfigKeys.HQ_TLS_PIN);
    }

    private String file(String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            Files.writeString(p, "pem\n");
        }
        return p.toString();
    }

    private static void assertKey(Map<String, String> overrides, String key) {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), overrides)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
