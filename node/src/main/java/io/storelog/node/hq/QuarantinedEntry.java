package io.storelog.node.hq;

/**
 * An entry HQ kept aside instead of counting it.
 *
 * @param origin  its origin, or "" when even that could not be read
 * @param seq     its seq, or 0 when it could not be read
 * @param sha256  hex SHA-256 of its bytes
 * @param reason  why it was kept aside
 * @param at      epoch millis when it arrived
 * @param bytes   the bytes as received
 */
public record QuarantinedEntry(String origin, long seq, String sha256, String reason, long at, byte[] bytes) {
}
