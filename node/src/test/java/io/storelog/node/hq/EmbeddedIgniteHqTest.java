package io.storelog.node.hq;

import java.nio.file.Path;

/** {@link HqContract} on an Ignite server node in the test JVM; a restart closes it and reopens its data. */
class EmbeddedIgniteHqTest extends HqContract {
    @Override
    HqStore open(Path dir) {
        return EmbeddedIgniteStore.open(EmbeddedIgniteStore.Options.small(dir.resolve("ignite")));
    }

    @Override
    HqStore restart(HqStore running, Path dir) {
        running.close();
        return open(dir);
    }
}
