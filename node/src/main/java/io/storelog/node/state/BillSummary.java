package io.storelog.node.state;

/** What the state keeps in memory of one bill; the full bill is read from the log by {@code position}. */
public record BillSummary(
        String id,
        long position,
        String clientBillId,
        String till,
        long number,
        String businessDay,
        long total,
        long tax,
        long wallMs) {
}
