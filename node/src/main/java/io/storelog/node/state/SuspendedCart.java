package io.storelog.node.state;

import io.storelog.protocol.CartSuspended;

/** A suspended cart as the fold knows it: its id, the lane that owns it, and, once recalled, where. */
public record SuspendedCart(String id, String owner, CartSuspended cart, long suspendedAtMs, String recalledOn,
        String recallId) {

    /** Whether the cart was handed out already. */
    public boolean recalled() {
        return recalledOn != null;
    }

    /** The short code a cashier reads off the screen, e.g. "till-01-S3". */
    public String code() {
        return cart.getTill() + "-S" + cart.getNumber();
    }
}
