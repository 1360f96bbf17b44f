package io.storelog.node.state;

import io.storelog.protocol.ZReport;

/** A Z report as folded, with the id of the entry that holds it ({@code origin:seq}). */
public record ZRecord(String entryId, ZReport report, String takenBy, long wallMs) {
}
