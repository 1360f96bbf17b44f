package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Tender;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What HQ's check needs of an entry (its id, its kind, a bill's sums) read from the wire bytes without
 * building the entry: parsing a bill built a message, a builder and strings for each of its lines, about a
 * tenth of the ingest's CPU. The walk follows the schema's descriptors and accepts exactly what
 * {@code Entry.parseFrom} accepts: every string (proto3) must be UTF-8, every nested message well formed,
 * fields it does not know or of another wire type are skipped as protobuf keeps them as unknown fields, a
 * singular field seen twice keeps its last value, a message field seen twice is merged (a bill too, even with
 * another body in between, as protobuf's builder keeps it). Anything less ordinary (no id, an unknown top-level field, a
 * refund or a void, no body, amounts that overflow, bytes protobuf would refuse) gives null, and the
 * caller parses the entry in full, so problems are named exactly as before.
 */
final class EntryScan {
    /** Recursion limit, as CodedInputStream's default. */
    private static final int MAX_DEPTH = 100;
    private static final Descriptor ENTRY = Entry.getDescriptor();
    private static final Map<Descriptor, FieldDescriptor[]> FIELDS = new IdentityHashMap<>();
    private static final int ORIGIN = Entry.ORIGIN_FIELD_NUMBER;
    private static final int SEQ = Entry.SEQ_FIELD_NUMBER;
    private static final int BILL = Entry.BILL_FIELD_NUMBER;
    private static final int LINES = BillCommitted.LINES_FIELD_NUMBER;
    private static final int TOTAL = BillCommitted.TOTAL_FIELD_NUMBER;
    private static final int TENDERS = BillCommitted.TENDERS_FIELD_NUMBER;
    private static final int NET = BillLine.NET_FIELD_NUMBER;
    private static final int AMOUNT = Tender.AMOUNT_FIELD_NUMBER;

    static {
        index(ENTRY);
    }

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
            // A copy of its own (a few hundred bytes), so strings can be checked in place, not copied out one by one.
            byte[] bytes = raw.toByteArray();
            return entry(CodedInputStream.newInstance(bytes), bytes);
        } catch (IOException | ArithmeticException | Unsupported e) {
            return null;
        }
    }

    private static Scanned entry(CodedInputStream in, byte[] bytes) throws IOException {
        FieldDescriptor[] fields = FIELDS.get(ENTRY);
        String origin = "";
        long seq = 0;
        int body = 0;
        Sums bill = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor f = number < fields.length ? fields[number] : null;
            if (f == null) {
                // An unknown top-level field may be an entry kind this HQ does not know: the full parse names it.
                throw Unsupported.INSTANCE;
            }
            if (!wireTypeFits(f, WireFormat.getTagWireType(tag))) {
                skip(in, tag);
            } else if (number == ORIGIN) {
                origin = in.readStringRequireUtf8();
            } else if (number == SEQ) {
                seq = in.readUInt64();
            } else if (f.getContainingOneof() != null) {
                // protobuf keeps a body's builder when the body switches away and back, so a bill seen again merges.
                body = number;
                if (number == BILL) {
                    bill = bill == null ? new Sums() : bill;
                    bill(in, bytes, bill);
                } else {
                    field(in, bytes, f, tag, 1);
                }
            } else {
                field(in, bytes, f, tag, 1);
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

    private static void bill(CodedInputStream in, byte[] bytes, Sums sums) throws IOException {
        message(in, bytes, BillCommitted.getDescriptor(), 2, (number, bill) -> {
            switch (number) {
                case TOTAL -> sums.total = bill.readInt64();
                case LINES -> {
                    sums.lines++;
                    sums.net = Math.addExact(sums.net, lastInt64(bill, bytes, BillLine.getDescriptor(), NET));
                }
                case TENDERS -> sums.paid = Math.addExact(sums.paid, lastInt64(bill, bytes, Tender.getDescriptor(), AMOUNT));
                default -> {
                    return false;
                }
            }
            return true;
        });
    }

    /** Walks one nested message of {@code type} and returns the last value of its int64 field {@code wanted} (0 if absent). */
    private static long lastInt64(CodedInputStream in, byte[] bytes, Descriptor type, int wanted) throws IOException {
        long[] value = {0};
        message(in, bytes, type, 3, (number, m) -> {
            if (number != wanted) {
                return false;
            }
            value[0] = m.readInt64();
            return true;
        });
        return value[0];
    }

    /** Takes the fields a caller wants out of a message being walked; the walk checks the rest as usual. */
    private interface Taker {
        /** Reads field {@code number} (known, its wire type fits) and returns true, or returns false to leave it to the walk. */
        boolean take(int number, CodedInputStream in) throws IOException;
    }

    private static final Taker NONE = (number, in) -> false;

    /** Walks a nested message of {@code type}, checking what protobuf would check, handing {@code taker} each known field first. */
    private static void message(CodedInputStream in, byte[] bytes, Descriptor type, int depth, Taker taker) throws IOException {
        if (depth > MAX_DEPTH) {
            throw Unsupported.INSTANCE;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        FieldDescriptor[] fields = FIELDS.get(type);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int number = WireFormat.getTagFieldNumber(tag);
            FieldDescriptor f = number < fields.length ? fields[number] : null;
            if (f == null || !wireTypeFits(f, WireFormat.getTagWireType(tag))) {
                skip(in, tag);
            } else if (!taker.take(number, in)) {
                field(in, bytes, f, tag, depth + 1);
            }
        }
        end(in, limit);
    }

    /** One known field whose wire type fits. */
    private static void field(CodedInputStream in, byte[] bytes, FieldDescriptor f, int tag, int depth) throws IOException {
        switch (f.getType()) {
            case STRING -> string(in, bytes);
            case MESSAGE -> message(in, bytes, f.getMessageType(), depth, NONE);
            case GROUP -> throw Unsupported.INSTANCE;
            default -> {
                if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED && f.getLiteType().isPackable()) {
                    packed(in, f.getLiteType().getWireType());
                } else {
                    skip(in, tag);
                }
            }
        }
    }

    /** A string field: its bytes must lie within the message and be UTF-8, as proto3 requires. */
    private static void string(CodedInputStream in, byte[] bytes) throws IOException {
        int length = in.readRawVarint32();
        int from = in.getTotalBytesRead();
        // Throws as protobuf would for a negative length or one past the message's end.
        in.skipRawBytes(length);
        for (int i = from; i < from + length; i++) {
            if (bytes[i] < 0) {
                // Not ASCII from here on: protobuf's own check for the rest (a character starts here).
                if (!UnsafeByteOperations.unsafeWrap(bytes, i, from + length - i).isValidUtf8()) {
                    throw Unsupported.INSTANCE;
                }
                return;
            }
        }
    }

    /** A packed run of scalars: each must read as its wire type does. */
    private static void packed(CodedInputStream in, int wireType) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        while (!in.isAtEnd()) {
            switch (wireType) {
                case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
                case WireFormat.WIRETYPE_FIXED32 -> in.readRawLittleEndian32();
                case WireFormat.WIRETYPE_FIXED64 -> in.readRawLittleEndian64();
                default -> throw Unsupported.INSTANCE;
            }
        }
        if (in.getBytesUntilLimit() != 0) {
            throw Unsupported.INSTANCE;
        }
        in.popLimit(limit);
    }

    /** Leaves a nested message, as protobuf does: refused if its length promised more bytes than there are. */
    private static void end(CodedInputStream in, int limit) throws IOException {
        in.checkLastTagWas(0);
        if (in.getBytesUntilLimit() != 0) {
            throw Unsupported.INSTANCE;
        }
        in.popLimit(limit);
    }

    private static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            // An end-group tag: not something a proto3 entry holds.
            throw Unsupported.INSTANCE;
        }
    }

    /** Whether protobuf reads a field arriving with {@code wireType} as this field rather than as an unknown one. */
    private static boolean wireTypeFits(FieldDescriptor f, int wireType) {
        WireFormat.FieldType type = f.getLiteType();
        return wireType == type.getWireType()
                || (f.isRepeated() && type.isPackable() && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }

    /** Field tables of {@code type} and every message type it holds, by field number. */
    private static void index(Descriptor type) {
        if (FIELDS.containsKey(type)) {
            return;
        }
        int max = 0;
        for (FieldDescriptor f : type.getFields()) {
            max = Math.max(max, f.getNumber());
        }
        FieldDescriptor[] byNumber = new FieldDescriptor[max + 1];
        for (FieldDescriptor f : type.getFields()) {
            byNumber[f.getNumber()] = f;
        }
        FIELDS.put(type, byNumber);
        for (FieldDescriptor f : type.getFields()) {
            if (f.getType() == FieldDescriptor.Type.MESSAGE) {
                index(f.getMessageType());
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
