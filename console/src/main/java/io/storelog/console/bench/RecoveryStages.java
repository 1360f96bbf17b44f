package io.storelog.console.bench;

import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.node.log.SegmentFormat;
import io.storelog.node.merge.EntryIndex;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Splits the cost of recovery into stages by walking a log directory several times, each pass doing one
 * stage more than the last: read, frame walk + CRC32C, payload copy + protobuf parse, index + state fold.
 * The product's start runs a CRC scan and then a full replay, so its cost is about pass 2 plus pass 4.
 */
final class RecoveryStages {
    /** How far a pass goes. */
    enum Stage { READ, CRC, PARSE, FOLD }

    /** One pass: records seen, bytes read and time taken. */
    record Pass(Stage stage, long records, long bytes, long nanos) {
    }

    private RecoveryStages() {
    }

    /** Segment files of a log directory in log order (names sort in index order). */
    static List<Path> segments(Path logDir) throws IOException {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(p -> SegmentFormat.parseName(p.getFileName().toString()) != null).sorted().toList();
        }
    }

    static Pass run(Path logDir, Stage stage) throws IOException {
        List<Path> files = segments(logDir);
        CRC32C crc = new CRC32C();
        StoreState state = new StoreState();
        EntryIndex index = new EntryIndex();
        HybridLogicalClock clock = HybridLogicalClock.system();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long records = 0;
        long bytes = 0;
        long started = System.nanoTime();
        for (int ordinal = 0; ordinal < files.size(); ordinal++) {
            try (FileChannel ch = FileChannel.open(files.get(ordinal), StandardOpenOption.READ)) {
                long fileOffset = SegmentFormat.HEADER_BYTES;
                buf.clear();
                long bufStart = fileOffset;
                boolean eof = false;
                while (true) {
                    int n = ch.read(buf, bufStart + buf.position());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes += n;
                    }
                    buf.flip();
                    if (stage != Stage.READ) {
                        // Walk whole frames in the buffer; a frame cut by the buffer end waits for the next read.
                        while (buf.remaining() >= 4) {
                            int at = buf.position();
                            int length = buf.getInt(at);
                            int frame = length + SegmentFormat.RECORD_OVERHEAD;
                            if (length <= 0 || buf.remaining() < frame) {
                                break;
                            }
                            crc.reset();
                            crc.update(buf.array(), at, length + 4);
                            if ((int) crc.getValue() != buf.getInt(at + 4 + length)) {
                                throw new IOException("CRC mismatch in " + files.get(ordinal) + " at " + (bufStart + at));
                            }
                            if (stage == Stage.PARSE || stage == Stage.FOLD) {
                                Entry e = Entry.parseFrom(Arrays.copyOfRange(buf.array(), at + 4, at + 4 + length));
                                if (stage == Stage.FOLD) {
                                    long position = SegmentFormat.position(ordinal, bufStart + at);
                                    index.add(e.getOrigin(), e.getSeq(), position);
                                    state.apply(e, position);
                                    clock.seed(e.getHlc());
                                }
                            }
                            records++;
                            buf.position(at + frame);
                        }
                    } else {
                        buf.position(buf.limit());
                    }
                    if (eof) {
                        break;
                    }
                    if (buf.position() == 0 && buf.limit() == buf.capacity()) {
                        // One record larger than the buffer: grow to hold it.
                        ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
                        bigger.put(buf);
                        buf = bigger;
                        continue;
                    }
                    bufStart += buf.position();
                    buf.compact();
                }
            }
        }
        return new Pass(stage, records, bytes, System.nanoTime() - started);
    }
}
