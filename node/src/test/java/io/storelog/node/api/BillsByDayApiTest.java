package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/bills?day=} lists every bill of one business day (past the default 50), and status names the currency. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BillsByDayApiTest {
    private static final int BILLS = 53;

    @TempDir
    Path dir;
    private StoreNode node;
    private ApiClient api;

    @BeforeEach
    void start() {
        node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of()));
        api = new ApiClient(node.httpPort());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void dayFilterListsEveryBillOfThatDayAndNoOther() {
        Map<String, String> dayOf = new HashMap<>();
        String day = null;
        for (int i = 0; i < BILLS; i++) {
            Response r = api.post("/api/bills", "{\"clientBillId\":\"" + UUID.randomUUID()
                    + "\",\"lines\":[{\"sku\":\"MILK-1L\",\"qty\":1}],\"tenders\":[{\"type\":\"cash\"}]}");
            assertThat(r.status()).isEqualTo(201);
            day = r.body().get("businessDay").asText();
            dayOf.put(r.body().get("id").asText(), day);
        }
        assertThat(api.get("/api/bills").body()).hasSize(50);

        Response ofDay = api.get("/api/bills?day=" + day);
        assertThat(ofDay.status()).isEqualTo(200);
        Set<String> listed = new HashSet<>();
        for (JsonNode b : ofDay.body()) {
            assertThat(b.get("businessDay").asText()).isEqualTo(day);
            listed.add(b.get("id").asText());
        }
        String theDay = day;
        // Compared per day, so a run that crosses midnight still checks the filter exactly.
        assertThat(listed).isEqualTo(dayOf.keySet().stream().filter(id -> dayOf.get(id).equals(theDay)).collect(Collectors.toSet()));

        assertThat(api.get("/api/bills?day=" + day + "&limit=3").body()).hasSize(3);
        assertThat(api.get("/api/bills?day=" + LocalDate.parse(day).minusDays(1)).body()).isEmpty();
        Response bad = api.get("/api/bills?day=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("day 'yesterday'");
    }

    @Test
    void statusNamesTheCurrencyOfTheAmounts() {
        assertThat(api.get("/api/status").body().get("currency").asText())
                .isEqualTo(node.config().store().currency().getCurrencyCode());
    }
}
