package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The example configs are loaded as the launcher loads them, from the repository root (tests run in config/). */
class ExampleConfigsTest {
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "till-1.yaml, till-1, TILL,   8081, 9081, '127.0.0.1:9080,127.0.0.1:9082'",
            "till-2.yaml, till-2, TILL,   8082, 9082, '127.0.0.1:9080,127.0.0.1:9081'",
            "server.yaml, server, SERVER, 8080, 9080, '127.0.0.1:9081,127.0.0.1:9082'",
            "hq.yaml,     hq,     HQ,     8090, 9080, ''"})
    void exampleLoads(String file, String id, Role role, int http, int peerPort, String peers) {
        NodeConfig c = ConfigLoader.load(Optional.of(Path.of("examples", file)), Map.of(), REPO_ROOT);

        assertThat(c.node().id()).isEqualTo(id);
        assertThat(c.role()).isEqualTo(role);
        assertThat(c.http().port()).isEqualTo(http);
        assertThat(c.peer().port()).isEqualTo(peerPort);
        assertThat(c.peer().peers()).map(HostPort::toString)
                .containsExactlyElementsOf(peers.isEmpty() ? List.of() : List.of(peers.split(",")));
        assertThat(c.node().dataDir()).isEqualTo(REPO_ROOT.resolve("data").resolve(id));
        assertThat(c.store().currencyExponent()).isEqualTo(2);
        if (role == Role.HQ) {
            assertThat(c.hq().storesFile()).contains(REPO_ROOT.resolve("config/examples/stores.csv"));
            assertThat(c.node().catalogFile()).contains(REPO_ROOT.resolve("config/demo-catalog.csv"));
        } else {
            assertThat(c.store().id()).isEqualTo("demo-store");
            assertThat(c.store().key()).isPresent();
            assertThat(c.hq().url()).contains(URI.create("http://127.0.0.1:8090"));
        }
    }
}
