package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.BillVoided;
import io.storelog.protocol.Entry;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.Tender;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One uploaded entry as HQ sees it before touching storage: its id, its hash, what it adds to the store's
 * totals, or why HQ cannot process it. Checking is pure, so it runs outside the transaction.
 *
 * @param bytes      the exact bytes received
 * @param sha256     their SHA-256
 * @param origin     the entry's origin, or null when no id could be read
 * @param seq        its seq (>= 1 when origin is set)
 * @param problem    why HQ cannot process it (kept in quarantine), or null
 * @param bills      bills it commits (0 or 1)
 * @param refunds    refunds it records (0 or 1)
 * @param voids      voids it records (0 or 1)
 * @param salesDelta what it adds to the store's sales total, minor units
 */
record CheckedEntry(ByteString bytes, byte[] sha256, String origin, long seq, String problem,
        int bills, int refunds, int voids, long salesDelta) {
    private static final int ORIGIN_FIELD = Entry.ORIGIN_FIELD_NUMBER;
    private static final int SEQ_FIELD = Entry.SEQ_FIELD_NUMBER;

    /** True when HQ knows which (origin, seq) this is, so it can hold it in the vector. */
    boolean hasId() {
        return origin != null;
    }

    /** Hex of the hash. */
    String hashHex() {
        return HexFormat.of().formatHex(sha256);
    }

    /** A fresh digest; MessageDigest is not thread-safe, so each batch takes its own. */
    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Reads and checks one entry. Never throws for bad input: that becomes {@link #problem}. */
    static CheckedEntry check(ByteString raw, MessageDigest md) {
        md.update(raw.asReadOnlyByteBuffer());
        byte[] hash = md.digest();
        EntryScan.Scanned scanned = EntryScan.scan(raw);
        if (scanned != null) {
            return scanned.isBill()
                    ? bill(raw, hash, scanned.origin(), scanned.seq(), scanned.lines(), scanned.linesNet(), scanned.total(), scanned.paid())
                    : new CheckedEntry(raw, hash, scanned.origin(), scanned.seq(), null, 0, 0, 0, 0);
        }
        Entry e;
        try {
            e = Entry.parseFrom(raw);
        } catch (InvalidProtocolBufferException ex) {
            return unreadable(raw, hash, "not a readable entry: " + ex.getMessage());
        }
        if (e.getOrigin().isBlank() || e.getSeq() < 1) {
            return new CheckedEntry(raw, hash, null, 0, "entry has no id (origin '" + e.getOrigin() + "', seq " + e.getSeq() + ")",
                    0, 0, 0, 0);
        }
        try {
            return switch (e.getBodyCase()) {
                case BILL -> bill(raw, hash, e);
                case REFUND -> refund(raw, hash, e);
                case VOID -> voided(raw, hash, e);
                case BODY_NOT_SET -> problem(raw, hash, e, e.getUnknownFields().asMap().isEmpty()
                        ? "entry has no body"
                        : "unknown entry kind (field " + e.getUnknownFields().asMap().keySet() + "); this HQ is older than the store");
                default -> new CheckedEntry(raw, hash, e.getOrigin(), e.getSeq(), null, 0, 0, 0, 0);
            };
        } catch (ArithmeticException overflow) {
            return problem(raw, hash, e, "amounts overflow");
        }
    }

    private static CheckedEntry bill(ByteString raw, byte[] hash, Entry e) {
        BillCommitted b = e.getBill();
        long net = 0;
        for (BillLine l : b.getLinesList()) {
            net = Math.addExact(net, l.getNet());
        }
        long paid = 0;
        // Only when the lines add up, as before the checks were shared: a tender overflow must not hide an earlier problem.
        if (b.getLinesCount() > 0 && net == b.getTotal()) {
            for (Tender t : b.getTendersList()) {
                paid = Math.addExact(paid, t.getAmount());
            }
        }
        return bill(raw, hash, e.getOrigin(), e.getSeq(), b.getLinesCount(), net, b.getTotal(), paid);
    }

    /** A bill of {@code lines} lines whose nets add up to {@code net}, totalling {@code total}, its tenders paying {@code paid}. */
    private static CheckedEntry bill(ByteString raw, byte[] hash, String origin, long seq, int lines, long net, long total, long paid) {
        String problem = null;
        if (lines == 0) {
            problem = "bill has no lines";
        } else if (net != total) {
            problem = "bill total " + total + " is not the sum of its lines " + net;
        } else if (paid != total) {
            problem = "bill tenders pay " + paid + " of a total of " + total;
        } else if (total < 0) {
            problem = "bill total " + total + " is negative";
        }
        return problem != null ? new CheckedEntry(raw, hash, origin, seq, problem, 0, 0, 0, 0)
                : new CheckedEntry(raw, hash, origin, seq, null, 1, 0, 0, total);
    }

    private static CheckedEntry refund(ByteString raw, byte[] hash, Entry e) {
        BillRefunded r = e.getRefund();
        String bad = reversal(r.getBillId(), r.getTotal(), r.getLinesList());
        return bad != null ? problem(raw, hash, e, "refund " + bad)
                : new CheckedEntry(raw, hash, e.getOrigin(), e.getSeq(), null, 0, 1, 0, Math.negateExact(r.getTotal()));
    }

    private static CheckedEntry voided(ByteString raw, byte[] hash, Entry e) {
        BillVoided v = e.getVoid();
        String bad = reversal(v.getBillId(), v.getTotal(), v.getLinesList());
        return bad != null ? problem(raw, hash, e, "void " + bad)
                : new CheckedEntry(raw, hash, e.getOrigin(), e.getSeq(), null, 0, 0, 1, Math.negateExact(v.getTotal()));
    }

    /** Why a refund or void does not add up, or null. */
    private static String reversal(String billId, long total, java.util.List<RefundLine> lines) {
        if (billId.isBlank()) {
            return "names no bill";
        }
        if (total < 0) {
            return "total " + total + " is negative";
        }
        long sum = 0;
        for (RefundLine l : lines) {
            sum = Math.addExact(sum, l.getAmount());
        }
        // A void may carry no lines (it cancels the whole bill), but lines it carries must add up.
        return lines.isEmpty() || sum == total ? null : "total " + total + " is not the sum of its lines " + sum;
    }

    private static CheckedEntry problem(ByteString raw, byte[] hash, Entry e, String why) {
        return new CheckedEntry(raw, hash, e.getOrigin(), e.getSeq(), why, 0, 0, 0, 0);
    }

    /**
     * An entry protobuf cannot read. Its id fields come first in what a node writes, so they are usually
     * still readable; with them HQ can hold its place in the vector and the queue behind it moves on.
     */
    private static CheckedEntry unreadable(ByteString raw, byte[] hash, String why) {
        String origin = null;
        long seq = 0;
        try {
            CodedInputStream in = raw.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                if (field == ORIGIN_FIELD && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    origin = in.readStringRequireUtf8();
                } else if (field == SEQ_FIELD && type == WireFormat.WIRETYPE_VARINT) {
                    seq = in.readUInt64();
                } else if (!in.skipField(tag)) {
                    break;
                }
                if (origin != null && seq != 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException damaged) {
            // Whatever was read before the damage stands; the rest of the entry is unreadable anyway.
        }
        if (origin == null || origin.isBlank() || seq < 1) {
            return new CheckedEntry(raw, hash, null, 0, why, 0, 0, 0, 0);
        }
        return new CheckedEntry(raw, hash, origin, seq, why, 0, 0, 0, 0);
    }
}
