package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node closed gracefully closes every peer link at once: its peers see the links drop well before
 * their idle timeout would, and the node, restarted, links and converges again. (Closing the event
 * loops with no quiet period used to leave about one link in four open and unread.)
 */
class StopClosesLinksTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @RepeatedTest(4)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyPeerSeesTheLinksOfAStoppedNodeDrop() {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).start()) {
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitConverged(Duration.ofSeconds(10));
            c.stop(2);
            long stopped = System.nanoTime();
            c.awaitLinked(Duration.ofSeconds(10));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() ->
                    c.node(0).replicator().orElseThrow().peers().stream().noneMatch(p -> p.id().equals(c.name(2)) && p.connected())
                    && c.node(1).replicator().orElseThrow().peers().stream().noneMatch(p -> p.id().equals(c.name(2)) && p.connected()));
            double secs = (System.nanoTime() - stopped) / 1e9;
            // Faster than the link idle timeout (3 s): the close itself, not the timeout, ended the links.
            assertThat(secs).as("seconds until both peers saw the links drop").isLessThan(1.5);
            c.start(2);
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitConverged(Duration.ofSeconds(10));
        }
    }
}
