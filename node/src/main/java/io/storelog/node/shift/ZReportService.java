package io.storelog.node.shift;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.service.BusinessCalendar;
import io.storelog.node.state.StoreState;
import io.storelog.node.state.ZRecord;
import io.storelog.protocol.Entry;
import io.storelog.protocol.SeqRange;
import io.storelog.protocol.ZReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Day-end (Z) reports of this till. A Z is taken by the till itself, so its numbers are gapless per
 * till name as bill numbers are (a new incarnation first catches up, then continues after the highest
 * Z seen). It covers, for every origin of the till's name, the entries after the previous Z's
 * coverage up to what this node holds durably now, records that coverage and the sums in the log,
 * and is immutable: an entry written later lies beyond the coverage and belongs to the next Z.
 */
public final class ZReportService {
    private final MergedLog log;
    private final StoreState state;
    private final String till;
    private final BusinessCalendar calendar;
    private final BooleanSupplier ready;

    /** Z reports of till {@code till}; {@code ready} says the node has caught up and may number. */
    public ZReportService(MergedLog log, StoreState state, String till, BusinessCalendar calendar, BooleanSupplier ready) {
        this.log = log;
        this.state = state;
        this.till = till;
        this.calendar = calendar;
        this.ready = ready;
    }

    /** Takes the next Z report of this till; completes once it is durable. */
    public synchronized ZRecord take(String cashier) {
        if (!ready.getAsBoolean()) {
            throw new StoreLogException(ErrorCode.NOT_READY,
                    "this till is a new incarnation and is catching up from its peers before it numbers a Z report");
        }
        long number = state.shifts(b -> b.maxZNumber(till)) + 1;
        Map<String, Long> covered = state.shifts(b -> b.zCoveredTo(till));
        List<SeqRange> coverage = new ArrayList<>();
        log.versionVector().asMap().forEach((origin, held) -> {
            long after = covered.getOrDefault(origin, 0L);
            if (ReportRanges.tillOf(origin).equals(till) && held > after) {
                coverage.add(SeqRange.newBuilder().setOrigin(origin).setAfterSeq(after).setToSeq(held).build());
            }
        });
        ZReport.Builder z = ZReport.newBuilder().setTill(till).setNumber(number).addAllCoverage(coverage)
                .setFigures(ReportRanges.sum(log, coverage).build());
        Entry e = log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(cashier == null ? "" : cashier)
                .setZReport(z.setBusinessDay(calendar.dayOf(stamp.getWallMs())))).join().entry();
        return state.shifts(b -> b.z(till, number)).filter(r -> r.entryId().equals(StoreState.entryId(e.getOrigin(), e.getSeq())))
                .orElseThrow(() -> new StoreLogException(ErrorCode.CONFLICT, "another Z report took number " + number + " of " + till));
    }

    /** A Z report by till name and number, NOT_FOUND when this node does not hold it. */
    public ZRecord get(String tillName, long number) {
        return state.shifts(b -> b.z(tillName, number)).orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND,
                "Z report " + number + " of till " + tillName + " not found"));
    }
}
