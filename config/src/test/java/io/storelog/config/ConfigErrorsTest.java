package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigErrorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            node.role                  | cashier          | config key node.role: 'cashier' is not one of till, server, hq
            node.id                    | till 1           | config key node.id: 'till 1' is not a valid name
            node.id                    | ''               | config key node.id: '' is not a valid name
            store.id                   | ../etc           | config key store.id: '../etc' is not a valid name
            store.time-zone            | Mars/Olympus     | config key store.time-zone: 'Mars/Olympus' is not a time zone
            store.currency             | EURO             | config key store.currency: 'EURO' is not an ISO 4217 currency code
            store.currency             | XXX              | config key store.currency: 'XXX' has no minor unit
            store.tax-classes          | standard=abc     | config key store.tax-classes: class 'standard' rate 'abc' is not a decimal number
            store.tax-classes          | standard=7.555   | config key store.tax-classes: class 'standard' rate '7.555' has more than 2 decimal places
            store.tax-classes          | standard=101     | config key store.tax-classes: class 'standard' rate '101' is not between 0 and 100 percent
            store.tax-classes          | standard=-1      | config key store.tax-classes: class 'standard' rate '-1' is not between 0 and 100 percent
            store.tax-classes          | Standard=5       | config key store.tax-classes: 'Standard' is not a tax class name
            store.tax-classes          | standard         | config key store.tax-classes: 'standard' is not name=value
            store.tax-classes          | a=1,a=2          | config key store.tax-classes: 'a' is given twice
            http.port                  | abc              | config key http.port: 'abc' is not a port number (1-65535, or 0 for any free port)
            http.port                  | 65536            | config key http.port: '65536' is not a port number (1-65535, or 0 for any free port)
            http.port                  | -1               | config key http.port: '-1' is not a port number (1-65535, or 0 for any free port)
            http.bind                  | not a host       | config key http.bind: 'not a host' is not a host name or IP address
            http.max-body-bytes        | 10               | config key http.max-body-bytes: '10' is below the minimum 1024
            http.max-body-bytes        | lots             | config key http.max-body-bytes: 'lots' is not a size in bytes
            http.max-body-bytes        | 4GiB             | config key http.max-body-bytes: '4294967296' is above the maximum 2147483647
            peer.port                  | 99999            | config key peer.port: '99999' is not a port number (1-65535, or 0 for any free port)
            peer.peers                 | host-only        | config key peer.peers: 'host-only' is not host:port
            peer.peers                 | a:1,b:x          | config key peer.peers: 'b:x' is not a port number (1-65535)
            peer.peers                 | ::1:9080         | config key peer.peers: '::1:9080' is not host:port (write an IPv6 address as [addr]:port)
            peer.peers                 | a:1,a:1          | config key peer.peers: 'a:1' is listed twice
            peer.peers                 | bad host:1       | config key peer.peers: 'bad host:1' is not host:port
            hq.url                     | ftp://hq:21      | config key hq.url: 'ftp://hq:21' is not an http:// or https:// URL
            hq.url                     | hq.example:8090  | config key hq.url: 'hq.example:8090' is not an http:// or https:// URL
            hq.url                     | http://          | config key hq.url: 'http://' is not a URL
            hq.url                     | http:/path       | config key hq.url: 'http:/path' has no host
            hq.stores-file             | no-such.csv      | config key hq.stores-file: 'no-such.csv' does not exist
            hq.ignite-addresses        | host-only        | config key hq.ignite-addresses: 'host-only' is not host:port
            hq.ignite-addresses        | a:1,a:1          | config key hq.ignite-addresses: 'a:1' is listed twice
            hq.ignite-port             | 70000            | config key hq.ignite-port: '70000' is not a port number
            catalog.file               | no-such.csv      | config key catalog.file: 'no-such.csv' does not exist
            log.segment-bytes          | 1000             | config key log.segment-bytes: '1000' is below the minimum 1048576
            log.segment-bytes          | 2GiB             | config key log.segment-bytes: '2147483648' is above the maximum 1073741824
            log.segment-bytes          | 64MB             | config key log.segment-bytes: '64MB' is not a size in bytes (e.g. 67108864 or 64MiB)
            log.max-batch-records      | 0                | config key log.max-batch-records: '0' is below the minimum 1
            log.max-batch-records      | 5000000000       | config key log.max-batch-records: '5000000000' is above the maximum 1000000
            log.max-batch-records      | 1.5              | config key log.max-batch-records: '1.5' is not a whole number
            replication.ack-replicas   | 0                | config key replication.ack-replicas: '0' is below the minimum 1
            replication.ack-timeout-ms | soon             | config key replication.ack-timeout-ms: 'soon' is not a whole number
            replication.ack-timeout-ms | 0                | config key replication.ack-timeout-ms: '0' is below the minimum 1
            """)
    void aBadValueNamesItsKey(String key, String value, String expected) {
        Map<String, String> overrides = Map.of(key, value);

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), overrides, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected.replace("'no-such.csv'", "'" + dir.resolve("no-such.csv") + "'"))
                .hasMessageNotContaining("\n")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            role hq with hq.url            | node.role=hq,hq.url=http://h:1                  | hq.url      | config key hq.url: is for store nodes
            role hq with hq.token          | node.role=hq,hq.token=t                         | hq.token    | config key hq.token: is for store nodes
            stores file on a till          | hq.stores-file=stores.csv                       | hq.stores-file | config key hq.stores-file: is read only by role hq, but node.role is till
            token without url              | hq.token=t                                      | hq.token    | config key hq.token: is set but hq.url is not
            ignite addresses on a till     | hq.ignite-addresses=ignite:10800                | hq.ignite-addresses | config key hq.ignite-addresses: is read only by role hq, but node.role is till
            http and peer on one port      | http.port=9000,peer.port=9000                   | peer.port   | config key peer.port: '9000' is also http.port
            """)
    void badCombinationsAreRefusedOnce(String name, String pairs, String key, String expected) throws IOException {
        Files.writeString(dir.resolve("stores.csv"), "store,token\n");
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            String[] kv = pair.split("=", 2);
            overrides.put(kv[0], kv[1]);
        }

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), overrides, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected)
                .extracting(e -> ((ConfigException) e).key()).isEqualTo(key);
    }

    @Test
    void unknownKeyInTheFileIsNamedWithTheFileAndASuggestion() throws IOException {
        Path file = Files.writeString(dir.resolve("till.yaml"), "http:\n  prot: 8081\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown config key 'http.prot' in " + file + " (did you mean 'http.port'?)")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("http.prot");
    }

    @Test
    void unknownTopLevelKeyAndUnknownOverride() throws IOException {
        Path file = Files.writeString(dir.resolve("till.yaml"), "colour: blue\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessage("unknown config key 'colour' in " + file);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("store.timezone", "UTC")))
                .hasMessage("unknown config key 'store.timezone' in overrides (did you mean 'store.time-zone'?)");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("x").resolve("y.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + file + " not found")
                .extracting(e -> ((ConfigException) e).key()).isNull();
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws IOException {
        Path file = Files.writeString(dir.resolve("y.yaml"), "node:\n  id: till-1\n  role: [till\nhttp:\n  port: 1\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + file + ": YAML syntax error at line ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aColonInsideAValueIsASyntaxErrorAtItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("y.yaml"), "http:\n  port: 8080\n  bind: a: b\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessage("config file " + file + ": YAML syntax error at line 3: mapping values are not allowed here");
    }

    @Test
    void badIndentationIsASyntaxErrorAtItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("y.yaml"), "node:\n  id: till-1\n role: till\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessageStartingWith("config file " + file + ": YAML syntax error at line 3: ");
    }

    @Test
    void aFileInAnotherEncodingIsNamed() throws IOException {
        Path file = Files.write(dir.resolve("l1.yaml"), "store:\n  id: K\u00e4se\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessage("config file " + file + " is not UTF-8 text");
    }

    @Test
    void aKeyGivenTwiceIsAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("d.yaml"), "http:\n  port: 1\nhttp.port: 2\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessage("config key http.port is set twice in " + file);
    }

    @Test
    void wrongShapesAreNamed() throws IOException {
        Path scalarSection = Files.writeString(dir.resolve("a.yaml"), "http: 8080\n");
        Path listForScalar = Files.writeString(dir.resolve("b.yaml"), "http:\n  port: [1, 2]\n");
        Path topList = Files.writeString(dir.resolve("c.yaml"), "- a\n- b\n");
        Path mapPeers = Files.writeString(dir.resolve("e.yaml"), "peer:\n  peers:\n    a: 1\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(scalarSection), Map.of()))
                .hasMessageStartingWith("'http' in " + scalarSection + " must hold keys such as http.port, http.bind");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(listForScalar), Map.of()))
                .hasMessage("config key http.port: expects a single value, found a list");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(topList), Map.of()))
                .hasMessageStartingWith("config file " + topList + ": expected keys at the top level");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(mapPeers), Map.of()))
                .hasMessage("config key peer.peers: expects a list, found a map");
    }

    @Test
    void aBadValueInTheFileIsReportedLikeAnOverride() throws IOException {
        Path file = Files.writeString(dir.resolve("till.yaml"), "http:\n  port: abc\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
                .hasMessage("config key http.port: 'abc' is not a port number (1-65535, or 0 for any free port)");
    }

    @Test
    void dataDirThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("data.dir", file.toString())))
                .hasMessage("config key data.dir: '" + file + "' exists and is not a directory");
    }

    @Test
    void recordsBuiltInCodeAreCheckedToo() {
        assertThatThrownBy(() -> new HttpSection(-1, "127.0.0.1", Optional.empty(), 4096))
                .isInstanceOf(ConfigException.class).hasMessage("config key http.port: '-1' is not a port number (1-65535, or 0 for any free port)");
        assertThat(new HttpSection(0, "127.0.0.1", Optional.empty(), 4096).port()).isZero();
        assertThatThrownBy(() -> new LogSection(10, 1))
                .hasMessage("config key log.segment-bytes: '10' is below the minimum 1048576");
        assertThat(new ReplicationSection(3, 20).ackTimeout()).hasMillis(20);
    }

    @Test
    void aTestClockOffsetIsBoundedToADayEitherWay() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("clock.offset-ms", "-90000")).clock().offsetMs()).isEqualTo(-90_000);
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).clock().offsetMs()).isZero();
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("clock.offset-ms", "86400001")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config key clock.offset-ms: '86400001'");
    }
}
