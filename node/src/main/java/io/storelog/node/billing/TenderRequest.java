package io.storelog.node.billing;

import io.storelog.protocol.TenderType;

/**
 * One tender as asked for; {@code amount == null} pays exactly what is still due. {@code reference}
 * is the card authorisation or wallet reference, {@code name} the name of a custom tender, and
 * {@code offline} says the card terminal took the payment without reaching the payment network.
 */
public record TenderRequest(TenderType type, Long amount, String reference, String name, boolean offline) {
    /** A tender the terminal did not mark offline. */
    public TenderRequest(TenderType type, Long amount, String reference, String name) {
        this(type, amount, reference, name, false);
    }
}
