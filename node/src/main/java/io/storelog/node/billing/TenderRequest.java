package io.storelog.node.billing;

import io.storelog.protocol.TenderType;

/**
 * One tender as asked for; {@code amount == null} pays exactly what is still due. {@code reference}
 * is the card authorisation or wallet reference, {@code name} the name of a custom tender.
 */
public record TenderRequest(TenderType type, Long amount, String reference, String name) {
}
