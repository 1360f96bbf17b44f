package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliFlagsTest {
    @Test
    void everyLauncherFlagMapsToAKnownKey() {
        assertThat(CliFlags.all()).containsOnlyKeys("--id", "--role", "--store", "--data", "--http", "--peer-port", "--peer-bind",
                "--peers", "--hq", "--catalog", "--store-key", "--hq-token", "--api-token", "--http-bind",
                "--time-zone", "--stores", "--ignite-addresses", "--staff", "--hq-tls-cert", "--hq-tls-key", "--hq-tls-trust",
                "--hq-tls-pin", "--peer-tls", "--peer-tls-ca", "--peer-tls-cert", "--peer-tls-key");
        assertThat(CliFlags.all().values()).allMatch(ConfigKeys::isKey).doesNotHaveDuplicates();
        assertThat(CliFlags.keyFor("--http")).contains("http.port");
        assertThat(CliFlags.keyFor("--stores")).contains("hq.stores-file");
        assertThat(CliFlags.flagFor("peer.peers")).contains("--peers");
        assertThat(CliFlags.flagFor("log.segment-bytes")).isEmpty();
    }

    @Test
    void parsesBothFlagForms() {
        CliFlags.Parsed p = CliFlags.parse(List.of("--config", "till.yaml", "--http=8081", "--peers", "a:1,b:2"));

        assertThat(p.configFile()).contains(Path.of("till.yaml"));
        assertThat(p.overrides()).isEqualTo(Map.of("http.port", "8081", "peer.peers", "a:1,b:2"));
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        assertThatThrownBy(() -> CliFlags.parse(List.of("--htp", "1")))
                .isInstanceOf(ConfigException.class).hasMessage("unknown flag '--htp' (did you mean '--http'?)");
        assertThatThrownBy(() -> CliFlags.parse(List.of("--http")))
                .hasMessage("flag --http needs a value");
        assertThatThrownBy(() -> CliFlags.parse(List.of("--http", "1", "--http", "2")))
                .hasMessage("flag --http is given twice");
        assertThatThrownBy(() -> CliFlags.parse(List.of("8080")))
                .hasMessage("unexpected argument '8080' (flags look like --http 8081)");
    }
}
