package io.storelog.node.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Business days in the store's time zone; the day is fixed into each entry when it is made. */
public record BusinessCalendar(ZoneId zone) {
    /** The business day (YYYY-MM-DD) of an instant given in epoch milliseconds. */
    public String dayOf(long epochMs) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMs), zone).toString();
    }
}
