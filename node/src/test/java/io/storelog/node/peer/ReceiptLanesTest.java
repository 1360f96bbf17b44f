package io.storelog.node.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.node.StoreNode;
import io.storelog.node.service.BillOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a receipt says about the lanes holding a bill, and reprints seen by every lane, on two linked tills. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiptLanesTest {
    @TempDir
    Path dir;
    private final List<StoreNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        PeerTesting.closeAll(nodes);
    }

    @Test
    void receiptsSayHowManyLanesHoldTheBillAndCopiesAreNumberedOnEveryLane() throws Exception {
        int portA = PeerTesting.freePort();
        int portB = PeerTesting.freePort();
        StoreNode a = PeerTesting.start(dir, "till-a", portA, List.of(portB), Map.of());
        nodes.add(a);
        StoreNode b = PeerTesting.start(dir, "till-b", portB, List.of(portA), Map.of());
        nodes.add(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> PeerTesting.connectedPeers(a) == 1 && PeerTesting.connectedPeers(b) == 1
                && a.ready() && b.ready());

        BillOutcome shared = PeerTesting.bill(a, "cart-1", "MILK-1L", 1000);
        assertThat(shared.singleLane()).isFalse();
        String id = shared.id();
        assertThat(a.receipts().original(id).lines()).contains("Held by 2 lanes");
        await().atMost(Duration.ofSeconds(20)).until(() -> b.bills().bill(id).isPresent());
        assertThat(b.receipts().original(id).lines()).contains("Held by 2 lanes");

        // a copy printed on lane B is counted on lane A too: the next copy on A is number 2
        assertThat(b.receipts().reprint(id, "lost", "bob").get(20, TimeUnit.SECONDS).text()).contains("*** COPY 1 ***");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.state().reprintsOf(id) == 1);
        assertThat(a.receipts().reprint(id, "lost again", "ann").get(20, TimeUnit.SECONDS).text()).contains("*** COPY 2 ***");
        await().atMost(Duration.ofSeconds(20)).until(() -> PeerTesting.digest(a).equals(PeerTesting.digest(b)));

        b.close();
        nodes.remove(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> PeerTesting.connectedPeers(a) == 0);
        BillOutcome alone = PeerTesting.bill(a, "cart-2", "MILK-1L", 1000);
        assertThat(alone.singleLane()).isTrue();
        assertThat(a.receipts().original(alone.id()).lines()).contains("Held by this lane only");
    }
}
