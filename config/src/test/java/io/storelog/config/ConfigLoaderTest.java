package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsWithNoFileAndNoOverrides() {
        NodeConfig c = ConfigLoader.load(Optional.empty(), Map.of());

        assertThat(c.role()).isEqualTo(Role.TILL);
        assertThat(c.node().id()).isEqualTo("till-1");
        assertThat(c.node().dataDir()).isEqualTo(Path.of("data", "till-1"));
        assertThat(c.node().catalogFile()).isEmpty();
        assertThat(c.store().id()).isEqualTo("demo-store");
        assertThat(c.store().key()).isEmpty();
        assertThat(c.store().timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(c.store().currency().getCurrencyCode()).isEqualTo("EUR");
        assertThat(c.store().currencyExponent()).isEqualTo(2);
        assertThat(c.store().taxClasses()).containsExactly(
                Map.entry("reduced", 500), Map.entry("standard", 2000), Map.entry("zero", 0));
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.http().bind()).isEqualTo("127.0.0.1");
        assertThat(c.http().apiToken()).isEmpty();
        assertThat(c.http().maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.peer().port()).isEqualTo(9080);
        assertThat(c.peer().peers()).isEmpty();
        assertThat(c.hq().url()).isEmpty();
        assertThat(c.hq().token()).isEmpty();
        assertThat(c.hq().storesFile()).isEmpty();
        assertThat(c.log().segmentBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.log().maxBatchRecords()).isEqualTo(4096);
        assertThat(c.replication().ackReplicas()).isEqualTo(2);
        assertThat(c.replication().ackTimeoutMs()).isEqualTo(50);
    }

    @Test
    void nodeIdAndDataDirDefaultFromTheRole() {
        assertThat(NodeConfig.defaults(Role.SERVER).node().id()).isEqualTo("server");
        NodeConfig hq = NodeConfig.defaults(Role.HQ);
        assertThat(hq.node().id()).isEqualTo("hq");
        assertThat(hq.node().dataDir()).isEqualTo(Path.of("data", "hq"));
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("node.id", "lane-7")).node().dataDir())
                .isEqualTo(Path.of("data", "lane-7"));
    }

    @Test
    void flagsAloneMakeAWorkingConfig() {
        NodeConfig c = ConfigLoader.fromArgs(List.of("--role", "SERVER", "--id", "srv", "--store", "shop-9",
                "--http", "8085", "--peer-port=9085", "--peers", "10.0.0.2:9080, 10.0.0.3:9080", "--hq",
                "https://hq.example:8443/ingest", "--hq-token", "t0k", "--store-key", "s3cret", "--api-token", "api",
                "--http-bind", "0.0.0.0", "--time-zone", "Europe/London", "--data", dir.resolve("d").toString()));

        assertThat(c.role()).isEqualTo(Role.SERVER);
        assertThat(c.node().id()).isEqualTo("srv");
        assertThat(c.store().id()).isEqualTo("shop-9");
        assertThat(c.http().port()).isEqualTo(8085);
        assertThat(c.http().bind()).isEqualTo("0.0.0.0");
        assertThat(c.peer().port()).isEqualTo(9085);
        assertThat(c.peer().peers()).containsExactly(new HostPort("10.0.0.2", 9080), new HostPort("10.0.0.3", 9080));
        assertThat(c.hq().url()).contains(URI.create("https://hq.example:8443/ingest"));
        assertThat(c.hq().token()).contains(new Secret("t0k"));
        assertThat(c.store().key().orElseThrow().matches("s3cret")).isTrue();
        assertThat(c.http().apiToken().orElseThrow().matches("wrong")).isFalse();
        assertThat(c.store().timeZone()).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(c.node().dataDir()).isEqualTo(dir.resolve("d"));
    }

    @Test
    void overridesWinOverTheFileAndTheFileWinsOverDefaults() throws IOException {
        Path file = write("till.yaml", """
                node:
                  id: till-5
                http:
                  port: 8085
                  bind: 0.0.0.0
                peer.port: 9085
                peer:
                  peers:
                    - 127.0.0.1:9080
                    - "[::1]:9081"
                store:
                  key: shared-secret
                  tax-classes:
                    standard: 19
                    reduced: 7.50
                """);

        NodeConfig c = ConfigLoader.load(Optional.of(file), Map.of("http.port", "8095", "peer.peers", "host-a:1"));

        assertThat(c.node().id()).isEqualTo("till-5");
        assertThat(c.http().port()).isEqualTo(8095);
        assertThat(c.http().bind()).isEqualTo("0.0.0.0");
        assertThat(c.peer().port()).isEqualTo(9085);
        assertThat(c.peer().peers()).containsExactly(new HostPort("host-a", 1));
        assertThat(c.store().taxClasses()).containsExactly(Map.entry("reduced", 750), Map.entry("standard", 1900));
        assertThat(c.log().maxBatchRecords()).isEqualTo(4096);

        NodeConfig fileOnly = ConfigLoader.load(Optional.of(file), Map.of());
        assertThat(fileOnly.peer().peers()).containsExactly(new HostPort("127.0.0.1", 9080), new HostPort("::1", 9081));
        assertThat(fileOnly.peer().peers().get(1)).hasToString("[::1]:9081");
    }

    @Test
    void listsAndMapsCanBeOverriddenAsText() {
        NodeConfig c = ConfigLoader.load(Optional.empty(), Map.of(
                "store.tax-classes", "standard=21, reduced=10, super-reduced=4.5",
                "peer.peers", ""));

        assertThat(c.store().taxClasses()).containsEntry("super-reduced", 450).containsEntry("standard", 2100);
        assertThat(c.store().taxBasisPoints("reduced")).hasValue(1000);
        assertThat(c.store().taxBasisPoints("luxury")).isEmpty();
        assertThat(c.peer().peers()).isEmpty();
    }

    @Test
    void sizesTakeBinarySuffixes() {
        NodeConfig c = ConfigLoader.load(Optional.empty(), Map.of("log.segment-bytes", "8MiB", "http.max-body-bytes", "64KiB"));

        assertThat(c.log().segmentBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.http().maxBodyBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void blankOptionalValuesMeanNotSetAndNullValuesAreIgnored() throws IOException {
        Path file = write("n.yaml", "hq:\n  url:\n  token: ~\nhttp:\n  port: 8081\n");
        Map<String, String> overrides = new java.util.HashMap<>();
        overrides.put("http.port", null);
        overrides.put("store.key", "  ");

        NodeConfig c = ConfigLoader.load(Optional.of(file), overrides);

        assertThat(c.hq().url()).isEmpty();
        assertThat(c.store().key()).isEmpty();
        assertThat(c.http().port()).isEqualTo(8081);
    }

    @Test
    void aByteOrderMarkIsSkipped() throws IOException {
        Path file = write("bom.yaml", "\uFEFFhttp:\n  port: 8083\n");

        assertThat(ConfigLoader.load(Optional.of(file), Map.of()).http().port()).isEqualTo(8083);
    }

    @Test
    void anEmptyFileMeansDefaults() throws IOException {
        Path file = write("empty.yaml", "# nothing here yet\n");

        assertThat(ConfigLoader.load(Optional.of(file), Map.of())).isEqualTo(ConfigLoader.load(Optional.empty(), Map.of()));
    }

    @Test
    void relativePathsResolveAgainstTheBaseDirectory() throws IOException {
        Files.writeString(dir.resolve("stores.csv"), "store,token\n");

        NodeConfig c = ConfigLoader.load(Optional.empty(),
                Map.of("node.role", "hq", "hq.stores-file", "stores.csv", "data.dir", "x/../hq-data"), dir);

        assertThat(c.hq().storesFile()).contains(dir.resolve("stores.csv"));
        assertThat(c.node().dataDir()).isEqualTo(dir.resolve("hq-data"));
    }

    @Test
    void headquartersUsesEmbeddedIgniteUnlessAddressesAreGiven() {
        NodeConfig embedded = ConfigLoader.load(Optional.empty(), Map.of("node.role", "hq"));
        NodeConfig external = ConfigLoader.load(Optional.empty(),
                Map.of("node.role", "hq", "hq.ignite-addresses", "ignite-1:10800, ignite-2:10800", "hq.ignite-port", "47600"));

        assertThat(embedded.hq().externalIgnite()).isFalse();
        assertThat(embedded.hq().ignitePort()).isEqualTo(ConfigKeys.DEFAULT_HQ_IGNITE_PORT);
        assertThat(external.hq().externalIgnite()).isTrue();
        assertThat(external.hq().igniteAddresses()).containsExactly(new HostPort("ignite-1", 10800), new HostPort("ignite-2", 10800));
        assertThat(external.hq().ignitePort()).isEqualTo(47600);
    }

    @Test
    void secretsDoNotShowInToString() {
        NodeConfig c = ConfigLoader.load(Optional.empty(),
                Map.of("store.key", "very-secret-key", "http.api-token", "api-secret", "hq.url", "http://h:1",
                        "hq.token", "hq-secret"));

        assertThat(c.toString()).doesNotContain("very-secret-key", "api-secret", "hq-secret").contains("<secret>");
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
