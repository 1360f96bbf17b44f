package io.storelog.node.log;

import io.storelog.node.StoreLogException;
import java.util.List;

/** Told on the writer thread when records become durable, before their futures complete. */
public interface DurableListener {

    /** A batch is on disk (fsync returned); records are in index order and follow the previous batch. */
    void onDurable(List<AppendedRecord> batch);

    /**
     * A write failed: every append after {@code lastDurableIndex} that was pending has failed, and the
     * indexes after it will be given to later appends. Until this returns and the segment is repaired,
     * every append is refused with {@code cause}, so nothing queued from before the failure slips in.
     */
    default void onFailed(long lastDurableIndex, StoreLogException cause) {
    }

    /** A listener that ignores everything. */
    static DurableListener none() {
        return batch -> { };
    }
}
