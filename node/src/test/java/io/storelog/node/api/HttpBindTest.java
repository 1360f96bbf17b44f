package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.TestNodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The till API listens on loopback unless {@code --http-bind} says otherwise: by default a connection to
 * the machine's LAN address is refused while loopback answers; with {@code http.bind 0.0.0.0} the LAN
 * address answers too.
 */
class HttpBindTest {
    @TempDir
    Path dir;

    @Test
    void theTillApiIsOnLoopbackUnlessToldOtherwise() throws Exception {
        Optional<InetAddress> lan = lanAddress();
        assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to try");
        try (StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of()))) {
            assertThat(node.config().http().bind()).isEqualTo("127.0.0.1");
            assertThat(connects(InetAddress.getLoopbackAddress(), node.httpPort())).isTrue();
            assertThatThrownBy(() -> connects(lan.get(), node.httpPort())).as("from the LAN address %s", lan.get())
                    .isInstanceOf(ConnectException.class);
        }
        try (StoreNode open = StoreNode.start(TestNodes.till(dir, "till-2", Map.of(ConfigKeys.HTTP_BIND, "0.0.0.0")))) {
            assertThat(connects(lan.get(), open.httpPort())).as("with http.bind 0.0.0.0").isTrue();
        }
    }

    private static boolean connects(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2_000);
            return s.isConnected();
        }
    }

    private static Optional<InetAddress> lanAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    }
}
