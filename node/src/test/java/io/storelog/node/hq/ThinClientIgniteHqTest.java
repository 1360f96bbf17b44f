package io.storelog.node.hq;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link HqContract} through the thin client against an Ignite server in a JVM of its own (the external
 * cluster mode); a restart SIGKILLs that server mid-upload and starts it again on the same data.
 */
class ThinClientIgniteHqTest extends HqContract {
    private IgniteServerProcess server;

    @Override
    HqStore open(Path dir) {
        if (server == null) {
            server = IgniteServerProcess.start(dir.resolve("ignite-server"), IgniteServerProcess.freePort());
        }
        return ThinClientIgniteStore.connect(List.of(server.address()));
    }

    @Override
    HqStore restart(HqStore running, Path dir) {
        server.kill();
        running.close();
        server = IgniteServerProcess.start(server.workDir(), server.clientPort());
        return open(dir);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
