package io.storelog.node.log;

/** Receives records one by one as {@link SegmentedLog#replay(RecordVisitor)} streams them from disk. */
@FunctionalInterface
public interface RecordVisitor {

    /** One record; {@code bytes} is a fresh array the visitor may keep. */
    void visit(long index, long position, byte[] bytes);
}
