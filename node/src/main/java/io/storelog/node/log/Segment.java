package io.storelog.node.log;

/**
 * One segment file of an open log and what is known durable in it.
 *
 * <p>Only the writer thread changes a segment; readers see its fields through volatile reads and
 * never look past {@link #durableSize}, so they never see a record that is not yet acknowledged.
 */
final class Segment {

    final int ordinal;
    final long firstIndex;
    final StorageFile file;
    private volatile String name;
    private volatile boolean sealed;
    private volatile long durableSize;
    private volatile long lastIndex;

    Segment(int ordinal, String name, long firstIndex, StorageFile file, long durableSize, long lastIndex,
            boolean sealed) {
        this.ordinal = ordinal;
        this.name = name;
        this.firstIndex = firstIndex;
        this.file = file;
        this.durableSize = durableSize;
        this.lastIndex = lastIndex;
        this.sealed = sealed;
    }

    /**
     * A segment archived away: it keeps its ordinal (positions pack it) but has no file; its last index
     * is that of the whole archived prefix, so a log with nothing else goes on after it.
     */
    static Segment archived(int ordinal, long archivedThrough) {
        return new Segment(ordinal, "archived-" + ordinal, 0, null, 0, archivedThrough, true);
    }

    boolean archived() {
        return file == null;
    }

    String name() {
        return name;
    }

    boolean sealed() {
        return sealed;
    }

    /** Header plus every acknowledged record. */
    long durableSize() {
        return durableSize;
    }

    /** Index of the last durable record, or {@code firstIndex - 1} while the segment is empty. */
    long lastIndex() {
        return lastIndex;
    }

    boolean isEmpty() {
        return lastIndex < firstIndex;
    }

    /** Records a durable batch; size is updated last so a reader never sees a size without its records. */
    void advance(long newDurableSize, long newLastIndex) {
        this.lastIndex = newLastIndex;
        this.durableSize = newDurableSize;
    }

    void sealedAs(String sealedName) {
        this.name = sealedName;
        this.sealed = true;
    }
}
