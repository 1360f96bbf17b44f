package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesNamesIpv4AndBracketedIpv6AndPrintsTheSameForm() {
        assertThat(HostPort.parse("till-2.store.local:9082")).isEqualTo(new HostPort("till-2.store.local", 9082));
        assertThat(HostPort.parse(" 10.1.2.3:1 ")).isEqualTo(new HostPort("10.1.2.3", 1));
        assertThat(HostPort.parse("[fe80::1]:9080")).isEqualTo(new HostPort("fe80::1", 9080));
        assertThat(HostPort.parse("[fe80::1]:9080")).hasToString("[fe80::1]:9080");
        assertThat(HostPort.parse("a:65535")).hasToString("a:65535");
    }

    @Test
    void refusesBadEntries() {
        assertThatThrownBy(() -> HostPort.parse(":9080")).hasMessage("config key peer.peers: ':9080' is not host:port");
        assertThatThrownBy(() -> HostPort.parse("a:")).hasMessage("config key peer.peers: 'a:' is not host:port");
        assertThatThrownBy(() -> new HostPort("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
