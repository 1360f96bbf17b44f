package io.storelog.node.staff;

import com.google.protobuf.ByteString;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import io.storelog.protocol.StaffUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Loads a staff bootstrap file into the log as StaffUpdate entries, one per member, like the catalog
 * import: idempotent by content (a member the file with this content hash already brought adds
 * nothing), so a restart or a finished-after-a-crash import writes only what is missing. Plain PINs
 * are hashed here with a fresh salt; only the salt and hash enter the log.
 */
public final class StaffImporter {
    private final MergedLog log;
    private final StoreState state;
    private final int iterations;

    /** An importer writing to {@code log}, hashing plain PINs with {@code iterations} PBKDF2 rounds. */
    public StaffImporter(MergedLog log, StoreState state, int iterations) {
        this.log = log;
        this.state = state;
        this.iterations = iterations;
    }

    /** Imports {@code rows}; returns the number of entries appended (0 when the file is already in). */
    public int importRows(String sourceName, String contentHash, List<StaffRow> rows) {
        List<CompletableFuture<MergedLog.Appended>> writes = new ArrayList<>();
        for (StaffRow row : rows) {
            if (state.staff(d -> d.imported(contentHash, row.id()))) {
                continue;
            }
            StaffUpdate.Builder u = StaffUpdate.newBuilder().setStaffId(row.id()).setName(row.name()).setRole(row.role())
                    .setActive(row.active()).setVersion(row.version()).setSource("file:" + sourceName)
                    .setContentHash(contentHash);
            if (row.pin() != null) {
                byte[] salt = PinHasher.newSalt();
                u.setSalt(ByteString.copyFrom(salt)).setKdfIterations(iterations)
                        .setPinHash(ByteString.copyFrom(PinHasher.hash(row.pin(), salt, iterations, row.id())));
            } else {
                u.setSalt(ByteString.copyFrom(row.salt())).setPinHash(ByteString.copyFrom(row.hash()))
                        .setKdfIterations(row.iterations());
            }
            writes.add(log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor("staff-import").setStaffUpdate(u)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        return writes.size();
    }
}
