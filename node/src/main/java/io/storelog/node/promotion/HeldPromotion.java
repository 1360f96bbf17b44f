package io.storelog.node.promotion;

import io.storelog.protocol.Promotion;
import java.util.Objects;

/** A promotion as a lane holds it: the winning value for its id and the catalog version it came with. */
public record HeldPromotion(Promotion promotion, long version) {
    public HeldPromotion {
        Objects.requireNonNull(promotion, "promotion");
    }

    /** The promotion's id. */
    public String id() {
        return promotion.getId();
    }
}
