package io.storelog.node.shift;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.service.BusinessCalendar;
import io.storelog.node.state.ShiftRecord;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.CashMovement;
import io.storelog.protocol.CashMovementKind;
import io.storelog.protocol.Entry;
import io.storelog.protocol.ReportFigures;
import io.storelog.protocol.SeqRange;
import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;
import io.storelog.protocol.TenderCount;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Shifts of this till: open with a float, cash paid in or out, close with the drawer count, and the
 * X report at any time. A shift covers the entries its origin writes from its opening to its close,
 * so whichever node holds those entries computes the same report, whatever order they came in.
 * Opening, moving cash and closing are done at the lane whose incarnation opened the shift.
 */
public final class ShiftService {
    private static final int CLOSE_ATTEMPTS = 1_000;

    private final MergedLog log;
    private final StoreState state;
    private final String till;
    private final BusinessCalendar calendar;

    /** Shifts of till {@code till}. */
    public ShiftService(MergedLog log, StoreState state, String till, BusinessCalendar calendar) {
        this.log = log;
        this.state = state;
        this.till = till;
        this.calendar = calendar;
    }

    /** Opens a shift with an opening float (minor units); CONFLICT when this lane has one open. */
    public synchronized ShiftRecord open(long openingFloat, String cashier) {
        if (openingFloat < 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "openingFloat must not be negative");
        }
        state.shifts(b -> b.openShiftOf(log.origin())).ifPresent(s -> {
            throw new StoreLogException(ErrorCode.CONFLICT, "shift " + s.shiftId() + " is still open on this till; close it first");
        });
        Entry e = log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(cashier).setShiftOpened(ShiftOpened.newBuilder()
                .setShiftId(log.origin() + ":" + seq).setTill(till).setBusinessDay(calendar.dayOf(stamp.getWallMs()))
                .setOpeningFloat(openingFloat))).join().entry();
        return shift(e.getShiftOpened().getShiftId());
    }

    /** Records cash paid in or out of the drawer during an open shift of this lane. */
    public synchronized Entry cashMovement(String shiftId, CashMovementKind kind, long amount, String reason, String cashier) {
        if (amount <= 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "amount must be positive");
        }
        if (reason == null || reason.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "reason is required for cash paid in or out");
        }
        ownOpenShift(shiftId);
        return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(cashier).setCashMovement(CashMovement.newBuilder()
                .setShiftId(shiftId).setTill(till).setBusinessDay(calendar.dayOf(stamp.getWallMs())).setKind(kind)
                .setAmount(amount).setReason(reason))).join().entry();
    }

    /**
     * Closes a shift of this lane with the counted amount per tender. The close records what the
     * shift's entries sum to; it is written only right after the last of them is durable, so that sum
     * is exactly the shift's X report from then on.
     */
    public synchronized ShiftReport close(String shiftId, List<TenderCount> counted, String cashier) {
        ShiftRecord open = ownOpenShift(shiftId);
        for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
            long durable = log.ownDurableSeq();
            ReportFigures figures = ReportRanges.sum(log, List.of(range(open, durable))).build();
            try {
                log.appendOwn((seq, stamp) -> {
                    if (seq != durable + 1) {
                        // A bill of this lane is still being written; it belongs in the shift, so wait for it.
                        throw new Busy();
                    }
                    return Entry.newBuilder().setActor(cashier).setShiftClosed(ShiftClosed.newBuilder().setShiftId(shiftId)
                            .setTill(till).setBusinessDay(calendar.dayOf(stamp.getWallMs())).addAllCounted(counted)
                            .addAllExpected(figures.getExpectedList()));
                }).join();
            } catch (Busy busy) {
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            return report(shift(shiftId));
        }
        throw new StoreLogException(ErrorCode.CONFLICT, "this till kept writing while the shift was closing; try again");
    }

    /** The X report of a shift as this node holds it. */
    public ShiftReport xReport(String shiftId) {
        return report(shift(shiftId));
    }

    /** A shift by id, NOT_FOUND when its opening is not held here. */
    public ShiftRecord shift(String shiftId) {
        return state.shifts(b -> b.shift(shiftId))
                .orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "shift " + shiftId + " not found"));
    }

    /** The shift open on this lane, if any. */
    public java.util.Optional<ShiftRecord> current() {
        return state.shifts(b -> b.openShiftOf(log.origin()));
    }

    private ShiftReport report(ShiftRecord s) {
        long held = log.versionVector().asMap().getOrDefault(s.origin(), 0L);
        long end = s.closeSeq() > 0 ? Math.min(held, s.closeSeq() - 1) : held;
        SeqRange r = range(s, end);
        boolean complete = s.closeSeq() > 0 && held >= s.closeSeq() - 1;
        return new ShiftReport(s, r, ReportRanges.sum(log, List.of(r)).build(), complete);
    }

    /** The shift's opening entry (its float) and what follows it on its origin, up to {@code toSeq}. */
    private static SeqRange range(ShiftRecord s, long toSeq) {
        return SeqRange.newBuilder().setOrigin(s.origin()).setAfterSeq(s.openSeq() - 1).setToSeq(Math.max(toSeq, s.openSeq() - 1)).build();
    }

    private ShiftRecord ownOpenShift(String shiftId) {
        ShiftRecord s = shift(shiftId);
        if (!s.origin().equals(log.origin())) {
            throw new StoreLogException(ErrorCode.CONFLICT, "shift " + shiftId + " belongs to another till or incarnation ("
                    + s.opened().getTill() + "); do this there");
        }
        if (s.isClosed()) {
            throw new StoreLogException(ErrorCode.CONFLICT, "shift " + shiftId + " is closed");
        }
        return s;
    }

    /** Thrown inside the entry factory to give up the append lock while a bill is still in flight. */
    private static final class Busy extends RuntimeException {
        Busy() {
            super(null, null, false, false);
        }
    }
}
