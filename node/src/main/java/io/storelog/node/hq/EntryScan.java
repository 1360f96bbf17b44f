package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Tender;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What HQ's check needs of an entry (its id, its kind, a bill's sums) read from the wire bytes without
 * building the entry: parsing a bill built a message, a builder and strings for each of its lines, about a
 * tenth of the ingest's CPU. The walk reads the bytes itself, by tables built once from the schema's
 * descriptors ({@link Shape}), and accepts only what {@code Entry.parseFrom} accepts: every string (proto3)
 * must be UTF-8, every nested message well formed, fields it does not know or of another wire type are
 * skipped as protobuf keeps them as unknown fields, a singular field seen twice keeps its last value, a
 * message field seen twice is merged (a bill too, even with another body in between, as protobuf's builder
 * keeps it). Anything less ordinary (no id, an unknown top-level field, a refund or a void, no body, amounts
 * that overflow, a group, a tag or length longer than five bytes, bytes protobuf would refuse) gives null,
 * and the caller parses the entry in full, so problems are named exactly as before.
 */
final class EntryScan {
    /** Recursion limit, as CodedInputStream's default. */
    private static final int MAX_DEPTH = 100;
    private static final int ORIGIN = Entry.ORIGIN_FIELD_NUMBER;
    private static final int SEQ = Entry.SEQ_FIELD_NUMBER;
    private static final int BILL = Entry.BILL_FIELD_NUMBER;
    private static final int LINES = BillCommitted.LINES_FIELD_NUMBER;
    private static final int TOTAL = BillCommitted.TOTAL_FIELD_NUMBER;
    private static final int TENDERS = BillCommitted.TENDERS_FIELD_NUMBER;
    private static final int NET = BillLine.NET_FIELD_NUMBER;
    private static final int AMOUNT = Tender.AMOUNT_FIELD_NUMBER;
    private static final Shape ENTRY = Shape.of(Entry.getDescriptor(), new IdentityHashMap<>());
    private static final Shape BILL_SHAPE = ENTRY.nested[BILL];
    private static final Shape LINE_SHAPE = BILL_SHAPE.nested[LINES];
    private static final Shape TENDER_SHAPE = BILL_SHAPE.nested[TENDERS];

    /**
     * An entry read this way: its id, the number of its body field, and for a bill its lines, the sum of
     * their net amounts, its total and what its tenders pay.
     */
    record Scanned(String origin, long seq, int body, int lines, long linesNet, long total, long paid) {
        boolean isBill() {
            return body == BILL;
        }
    }

    private EntryScan() {
    }

    /** The entry read from {@code raw}, or null when it must be parsed in full (see the class comment). */
    static Scanned scan(ByteString raw) {
        try {
            // A copy of its own (a few hundred bytes), so it can be read in place.
            return entry(new Reader(raw.toByteArray()));
        } catch (ArithmeticException | Unsupported e) {
            return null;
        }
    }

    private static Scanned entry(Reader r) {
        int end = r.bytes.length;
        String origin = "";
        long seq = 0;
        int body = 0;
        Sums bill = null;
        for (int tag = r.tag(end); tag != 0; tag = r.tag(end)) {
            int number = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (!ENTRY.knows(number)) {
                // An unknown top-level field may be an entry kind this HQ does not know: the full parse names it.
                throw Unsupported.INSTANCE;
            }
            if (!ENTRY.fits(number, wire)) {
                r.skip(wire, end);
            } else if (number == ORIGIN) {
                origin = r.utf8(end);
            } else if (number == SEQ) {
                seq = r.varint(end);
            } else if (ENTRY.inOneof[number]) {
                // protobuf keeps a body's builder when the body switches away and back, so a bill seen again merges.
                body = number;
                if (number == BILL) {
                    bill = bill == null ? new Sums() : bill;
                    bill(r, end, bill);
                } else {
                    field(r, end, ENTRY, number, wire, 1);
                }
            } else {
                field(r, end, ENTRY, number, wire, 1);
            }
        }
        if (origin.isBlank() || seq < 1 || body == 0 || body == Entry.REFUND_FIELD_NUMBER || body == Entry.VOID_FIELD_NUMBER) {
            throw Unsupported.INSTANCE;
        }
        return bill == null ? new Scanned(origin, seq, body, 0, 0, 0, 0)
                : new Scanned(origin, seq, body, bill.lines, bill.net, bill.total, bill.paid);
    }

    /** What a bill's check adds up, over every occurrence of the bill field (protobuf merges them). */
    private static final class Sums {
        int lines;
        long net;
        long total;
        long paid;
    }

    private static void bill(Reader r, int end, Sums sums) {
        message(r, end, BILL_SHAPE, 2, 0, (number, in, limit) -> {
            switch (number) {
                case TOTAL -> sums.total = in.varint(limit);
                case LINES -> {
                    sums.lines++;
                    sums.net = Math.addExact(sums.net, message(in, limit, LINE_SHAPE, 3, NET, null));
                }
                case TENDERS -> sums.paid = Math.addExact(sums.paid, message(in, limit, TENDER_SHAPE, 3, AMOUNT, null));
                default -> {
                    return false;
                }
            }
            return true;
        });
    }

    /** Takes the fields a caller wants out of a message being walked; the walk checks the rest as usual. */
    private interface Taker {
        /** Reads field {@code number} (known, its wire type fits) and returns true, or returns false to leave it to the walk. */
        boolean take(int number, Reader in, int end);
    }

    /**
     * Walks a nested message of {@code shape} (its length first), checking what protobuf would check, and returns
     * the last value of its int64 field {@code wanted} (0 if absent or if {@code wanted} is 0). Each other known
     * field whose wire type fits goes to {@code taker} first, if there is one.
     */
    private static long message(Reader r, int end, Shape shape, int depth, int wanted, Taker taker) {
        if (depth > MAX_DEPTH) {
            throw Unsupported.INSTANCE;
        }
        int length = r.length(end);
        int limit = r.pos + length;
        long value = 0;
        for (int tag = r.tag(limit); tag != 0; tag = r.tag(limit)) {
            int number = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (!shape.fits(number, wire)) {
                r.skip(wire, limit);
            } else if (number == wanted) {
                value = r.varint(limit);
            } else if (taker == null || !taker.take(number, r, limit)) {
                field(r, limit, shape, number, wire, depth + 1);
            }
        }
        return value;
    }

    /** One known field whose wire type fits. */
    private static void field(Reader r, int end, Shape shape, int number, int wire, int depth) {
        switch (shape.kind[number]) {
            case Shape.STRING -> r.string(end);
            case Shape.MESSAGE -> message(r, end, shape.nested[number], depth, 0, null);
            case Shape.PACKABLE -> {
                if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    r.packed(shape.wire[number], end);
                } else {
                    r.skip(wire, end);
                }
            }
            default -> r.skip(wire, end);
        }
    }

    /**
     * A message type as the walk reads it, by field number: the wire type protobuf reads the field with (for a
     * repeated scalar, that of one element), what kind of field it is, a message field's own shape, and whether
     * the field belongs to a oneof. Built once from the descriptors, so the walk asks them nothing.
     */
    private static final class Shape {
        static final byte UNKNOWN = 0;
        static final byte STRING = 1;
        static final byte MESSAGE = 2;
        /** A repeated scalar: protobuf reads it one element at a time or packed. */
        static final byte PACKABLE = 3;
        static final byte PLAIN = 4;
        /** A group: never in a proto3 entry, so the full parse decides. */
        static final byte GROUP = 5;

        final byte[] wire;
        final byte[] kind;
        final Shape[] nested;
        final boolean[] inOneof;

        private Shape(int size) {
            wire = new byte[size];
            kind = new byte[size];
            nested = new Shape[size];
            inOneof = new boolean[size];
        }

        /** The shape of {@code type} and of every message type it holds ({@code built}: those made so far). */
        static Shape of(Descriptor type, Map<Descriptor, Shape> built) {
            Shape done = built.get(type);
            if (done != null) {
                return done;
            }
            int max = 0;
            for (FieldDescriptor f : type.getFields()) {
                max = Math.max(max, f.getNumber());
            }
            Shape s = new Shape(max + 1);
            built.put(type, s);
            for (FieldDescriptor f : type.getFields()) {
                int n = f.getNumber();
                WireFormat.FieldType lite = f.getLiteType();
                s.wire[n] = (byte) lite.getWireType();
                s.inOneof[n] = f.getContainingOneof() != null;
                s.kind[n] = switch (f.getType()) {
                    case STRING -> STRING;
                    case MESSAGE -> MESSAGE;
                    case GROUP -> GROUP;
                    default -> f.isRepeated() && lite.isPackable() ? PACKABLE : PLAIN;
                };
                if (f.getType() == FieldDescriptor.Type.MESSAGE) {
                    s.nested[n] = of(f.getMessageType(), built);
                }
            }
            return s;
        }

        boolean knows(int number) {
            return number < kind.length && kind[number] != UNKNOWN;
        }

        /** Whether protobuf reads field {@code number} arriving with {@code wire} as this field rather than as an unknown one. */
        boolean fits(int number, int wire) {
            if (!knows(number)) {
                return false;
            }
            if (kind[number] == GROUP) {
                throw Unsupported.INSTANCE;
            }
            return wire == this.wire[number] || (kind[number] == PACKABLE && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED);
        }
    }

    /**
     * A cursor over an entry's bytes. Every read stays within {@code end}, the end of the message being read, and
     * gives up ({@link Unsupported}) where protobuf would fail or where the full parse had better decide.
     */
    private static final class Reader {
        final byte[] bytes;
        int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        /** The next tag, or 0 at {@code end}; protobuf refuses field number 0. */
        int tag(int end) {
            if (pos == end) {
                return 0;
            }
            int tag = (int) varint32(end);
            if (WireFormat.getTagFieldNumber(tag) == 0) {
                throw Unsupported.INSTANCE;
            }
            return tag;
        }

        /** A varint of at most ten bytes, as protobuf reads an int64 or uint64 (bits past 64 dropped alike). */
        long varint(int end) {
            if (pos < end && bytes[pos] >= 0) {
                return bytes[pos++];
            }
            return varint(end, 64);
        }

        /** A varint of at most five bytes holding at most 32 bits (tags, lengths); anything longer is left to protobuf. */
        private long varint32(int end) {
            long result = varint(end, 35);
            if (result > 0xFFFF_FFFFL) {
                throw Unsupported.INSTANCE;
            }
            return result;
        }

        /** A varint whose bytes all start below {@code shifts} bits (seven bits each), all before {@code end}. */
        private long varint(int end, int shifts) {
            long result = 0;
            for (int shift = 0; shift < shifts; shift += 7) {
                if (pos >= end) {
                    throw Unsupported.INSTANCE;
                }
                byte b = bytes[pos++];
                result |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw Unsupported.INSTANCE;
        }

        /** A length that fits before {@code end}. */
        int length(int end) {
            long length = varint32(end);
            if (length > end - pos) {
                throw Unsupported.INSTANCE;
            }
            return (int) length;
        }

        /** Steps over {@code n} bytes, all before {@code end}. */
        private void need(int n, int end) {
            if (n > end - pos) {
                throw Unsupported.INSTANCE;
            }
            pos += n;
        }

        /**
         * A string field: UTF-8, as proto3 requires (protobuf's own check from the first byte that is not ASCII).
         * Returns where its bytes start; they end where the cursor now is.
         */
        int string(int end) {
            int length = length(end);
            int from = pos;
            pos += length;
            for (int i = from; i < pos; i++) {
                if (bytes[i] < 0) {
                    if (!UnsafeByteOperations.unsafeWrap(bytes, i, pos - i).isValidUtf8()) {
                        throw Unsupported.INSTANCE;
                    }
                    break;
                }
            }
            return from;
        }

        /** A string field's value, checked as {@link #string}. */
        String utf8(int end) {
            int from = string(end);
            return new String(bytes, from, pos - from, StandardCharsets.UTF_8);
        }

        /** A packed run of scalars of {@code wire}: each must lie within the run. */
        void packed(int wire, int end) {
            int length = length(end);
            int limit = pos + length;
            while (pos < limit) {
                switch (wire) {
                    case WireFormat.WIRETYPE_VARINT -> varint(limit);
                    case WireFormat.WIRETYPE_FIXED32 -> need(4, limit);
                    case WireFormat.WIRETYPE_FIXED64 -> need(8, limit);
                    default -> throw Unsupported.INSTANCE;
                }
            }
        }

        /** Steps over a field of wire type {@code wire}; groups, and wire types protobuf refuses, are left to protobuf. */
        void skip(int wire, int end) {
            switch (wire) {
                case WireFormat.WIRETYPE_VARINT -> varint(end);
                case WireFormat.WIRETYPE_FIXED64 -> need(8, end);
                case WireFormat.WIRETYPE_LENGTH_DELIMITED -> need(length(end), end);
                case WireFormat.WIRETYPE_FIXED32 -> need(4, end);
                default -> throw Unsupported.INSTANCE;
            }
        }
    }

    /** Not for this reader: the caller parses the entry in full. */
    private static final class Unsupported extends RuntimeException {
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super(null, null, false, false);
        }
    }
}
