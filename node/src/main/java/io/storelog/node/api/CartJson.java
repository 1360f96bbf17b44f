package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.StoreState;
import io.storelog.node.state.SuspendedCart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** JSON of suspended carts: the request checked like a bill's, and the cart as stored and recalled. */
final class CartJson {
    private CartJson() {
    }

    /**
     * Checks a cart to suspend: its lines must parse exactly as a bill's would and name products the
     * catalog holds, so a recalled cart can be billed. Returns the bytes to store.
     */
    static byte[] checkedCart(JsonNode body, StoreState state) {
        ObjectNode probe = body.deepCopy();
        probe.put("clientBillId", "cart-check");
        probe.remove("tenders");
        BillJson.parseBill(probe).lines().forEach(l -> {
            if (l.sku() != null && state.product(l.sku()).isEmpty()) {
                throw new StoreLogException(ErrorCode.UNKNOWN_SKU, "cart line names unknown SKU " + l.sku());
            }
        });
        ObjectNode stored = Json.object();
        stored.set("lines", body.get("lines"));
        for (String f : new String[] {"discount", "customer"}) {
            if (body.hasNonNull(f)) {
                stored.set(f, body.get(f));
            }
        }
        return Json.write(stored);
    }

    static ObjectNode render(SuspendedCart c) {
        ObjectNode o = Json.object()
                .put("id", c.id())
                .put("code", c.code())
                .put("till", c.cart().getTill())
                .put("label", c.cart().getLabel())
                .put("lineCount", c.cart().getLineCount())
                .put("suspendedAt", Instant.ofEpochMilli(c.suspendedAtMs()).toString())
                .put("recalled", c.recalled());
        if (c.recalled()) {
            o.put("recalledOn", c.recalledOn()).put("recallId", c.recallId());
        }
        try {
            o.set("cart", Json.MAPPER.readTree(c.cart().getCartJson().toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("stored cart " + c.id() + " is not JSON", e);
        }
        return o;
    }

    static ObjectNode summary(SuspendedCart c) {
        return Json.object().put("id", c.id()).put("code", c.code()).put("till", c.cart().getTill())
                .put("label", c.cart().getLabel()).put("lineCount", c.cart().getLineCount())
                .put("suspendedAt", Instant.ofEpochMilli(c.suspendedAtMs()).toString());
    }
}
