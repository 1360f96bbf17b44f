package io.storelog.node.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.RefundLineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.state.StateDigest;
import io.storelog.node.testing.TestNodes;
import io.storelog.protocol.TenderType;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart from the fold's snapshot must give exactly the state a full replay gives, and a bad snapshot is never used. */
class SnapshotRestartTest {
    @TempDir
    Path dir;

    @Test
    void restartFromSnapshotEqualsFullReplayAndReplaysOnlyTheTail() throws Exception {
        NodeConfig cfg = TestNodes.till(dir, "till-1", Map.of());
        String billId;
        try (StoreNode node = StoreNode.start(cfg)) {
            billId = bill(node, "a", 40).id();
            // Folded entries are not kept in memory (a 1M-bill log once ran out of heap this way).
            assertThat(node.log().inFlight()).isZero();
            node.bills().refund(billId, List.of(new RefundLineRequest(1, 1000)), null, "r1", "broken", "ann").get();
            node.stock().receive("SOAP", 12_000, "delivery", "ann").get();
        }
        Path snapshot = cfg.node().dataDir().resolve(StateSnapshot.FILE);
        assertThat(snapshot).exists();
        Path older = dir.resolve("older-snapshot.bin");
        Files.copy(snapshot, older);

        StateDigest fromSnapshot;
        try (StoreNode node = StoreNode.start(cfg)) {
            assertThat(node.log().snapshotIndex()).isPositive();
            assertThat(node.log().replayedOnOpen()).isZero();
            fromSnapshot = digest(node);
            assertThat(node.state().refundsOf(billId)).hasSize(1);
            assertThat(node.state().searchCatalog("milk", 5)).isNotEmpty();
            // Bills after the snapshot continue the numbering, then the next start replays only them.
            assertThat(bill(node, "b", 1).entry().getBill().getNumber()).isEqualTo(41);
        }
        StateDigest afterTail;
        try (StoreNode node = StoreNode.start(cfg)) {
            afterTail = digest(node);
        }
        // As after a crash: the snapshot on disk predates the last bill, so only that bill is replayed.
        Files.copy(older, snapshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (StoreNode node = StoreNode.start(cfg)) {
            assertThat(node.log().replayedOnOpen()).isEqualTo(1);
            assertThat(digest(node)).isEqualTo(afterTail);
        }
        Files.delete(snapshot);
        try (StoreNode node = StoreNode.start(cfg)) {
            assertThat(node.log().snapshotIndex()).isZero();
            assertThat(digest(node)).isEqualTo(afterTail);
            assertThat(afterTail).isNotEqualTo(fromSnapshot);
        }
    }

    @Test
    void aDamagedSnapshotIsIgnoredAndTheWholeLogReplayed() throws Exception {
        NodeConfig cfg = TestNodes.till(dir, "till-1", Map.of());
        StateDigest before;
        try (StoreNode node = StoreNode.start(cfg)) {
            bill(node, "a", 10);
            before = digest(node);
        }
        Path snapshot = cfg.node().dataDir().resolve(StateSnapshot.FILE);
        try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x55);
        }
        try (StoreNode node = StoreNode.start(cfg)) {
            assertThat(node.log().snapshotIndex()).isZero();
            assertThat(node.log().replayedOnOpen()).isEqualTo(node.log().entries());
            assertThat(digest(node)).isEqualTo(before);
        }
    }

    private static io.storelog.node.service.BillOutcome bill(StoreNode node, String prefix, int count) throws Exception {
        io.storelog.node.service.BillOutcome last = null;
        for (int i = 0; i < count; i++) {
            last = node.bills().submit(new BillRequest(prefix + i, List.of(new LineRequest("MILK-1L", 2000, null),
                    new LineRequest("BANANA-KG", 755, null)), null, List.of(new TenderRequest(TenderType.CASH, null, null, null)),
                    null, "ann")).get();
        }
        return last;
    }

    private static StateDigest digest(StoreNode node) {
        return node.state().digest(node.log()::versionVector);
    }
}
