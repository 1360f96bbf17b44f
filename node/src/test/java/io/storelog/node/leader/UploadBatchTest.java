package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.ConfigKeys;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.testing.TestNodes;
import io.storelog.protocol.Entry;
import io.storelog.protocol.UploadBatch;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload batches as the leader cuts them from the log on disk: per origin in seq order, never more
 * than the settings' entry limit or 1 MiB encoded, so a backlog of large catalog entries and many small ones is
 * sent in bounded bodies that together cover exactly what HQ lacks.
 */
class UploadBatchTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void batchesStayWithinTheEntryAndByteLimits() throws Exception {
        List<CatalogItem> items = new ArrayList<>(TestNodes.CATALOG);
        for (int i = 0; i < 30_000; i++) {
            items.add(new CatalogItem(String.format("SKU-%06d", i), String.format("29%011d", i),
                    "A product with a fairly long descriptive name number " + i, 100 + i, "standard", ItemUnit.EACH));
        }
        Path catalog = dir.resolve("big-catalog.csv");
        try (Writer w = Files.newBufferedWriter(catalog)) {
            CatalogCsv.write(items, w, 2);
        }
        try (StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.CATALOG_FILE, catalog.toString())))) {
            LeaderTesting.backlog(node, 2 * UploadSettings.defaults().maxBatchEntries() + 500);
            VersionVector mine = node.log().versionVector();
            HqUploader uploader = new HqUploader("till-1", null, node.log(), new HqMarks(), null, () -> true,
                    UploadSettings.defaults(), null);

            Map<String, Long> held = new HashMap<>();
            int maxEntries = UploadSettings.defaults().maxBatchEntries();
            int batches = 0;
            boolean cutBySize = false;
            for (HqUploader.Batch next = uploader.nextBatch(VersionVector.empty(), mine); next != null;
                    next = uploader.nextBatch(VersionVector.of(held), mine)) {
                UploadBatch b = next.message();
                batches++;
                assertThat(b.getEntriesCount()).isBetween(1, maxEntries);
                assertThat(b.getSerializedSize()).isLessThanOrEqualTo(1024 * 1024);
                cutBySize |= b.getEntriesCount() < maxEntries && b.getSerializedSize() > 900 * 1024;
                for (var bytes : b.getEntriesList()) {
                    Entry e = Entry.parseFrom(bytes);
                    // Each origin continues exactly where HQ (here: the batches before) left off.
                    assertThat(e.getSeq()).isEqualTo(held.getOrDefault(e.getOrigin(), 0L) + 1);
                    held.put(e.getOrigin(), e.getSeq());
                }
                assertThat(next.after()).as("the vector HQ holds once it took the batch").isEqualTo(VersionVector.of(held));
            }
            assertThat(VersionVector.of(held)).isEqualTo(mine);
            assertThat(cutBySize).as("a batch of large catalog entries was cut at 1 MiB").isTrue();
            assertThat(batches).isGreaterThanOrEqualTo(5);
        }
    }
}
