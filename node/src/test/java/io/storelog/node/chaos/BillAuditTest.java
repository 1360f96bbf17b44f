package io.storelog.node.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.storelog.node.testing.ApiClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault suite's ledger check notices a lost, a re-numbered and a doubled bill, so a passing run means something. */
class BillAuditTest {
    private static final Map<String, BillLoad.Acked> ACKED = Map.of(
            "cart-1", new BillLoad.Acked("lane-1-a:1", "2026-11-28", 1),
            "cart-2", new BillLoad.Acked("lane-1-a:2", "2026-11-28", 1));

    private static ArrayNode bills(String... cartAndId) {
        ArrayNode a = ApiClient.JSON.createArrayNode();
        for (int i = 0; i < cartAndId.length; i += 2) {
            a.addObject().put("clientBillId", cartAndId[i]).put("id", cartAndId[i + 1]);
        }
        return a;
    }

    @Test
    void aNodeHoldingEveryAcknowledgedBillOnceIsClean() {
        BillAudit audit = new BillAudit();
        audit.add(bills("cart-1", "lane-1-a:1", "cart-2", "lane-1-a:2", "cart-3", "lane-1-a:3"));
        assertThat(audit.lost(ACKED)).isZero();
        assertThat(audit.duplicated()).isZero();
        assertThat(audit.bills()).as("a cart whose 201 never arrived may exist").isEqualTo(3);
    }

    @Test
    void aMissingBillAndABillUnderAnotherIdAreLost() {
        BillAudit audit = new BillAudit();
        audit.add(bills("cart-1", "lane-1-b:1"));
        assertThat(audit.lost(ACKED)).isEqualTo(2);
    }

    @Test
    void aCartBilledTwiceOrAnIdHeldTwiceIsDuplicated() {
        BillAudit audit = new BillAudit();
        audit.add(bills("cart-1", "lane-1-a:1", "cart-2", "lane-1-a:2"));
        audit.add(bills("cart-1", "lane-1-b:1", "cart-4", "lane-1-a:2"));
        assertThat(audit.duplicated()).isEqualTo(2);
    }
}
