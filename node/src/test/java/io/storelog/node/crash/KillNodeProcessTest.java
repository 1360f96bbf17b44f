package io.storelog.node.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.BillLedger;
import io.storelog.node.testing.TestNodes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node in its own JVM is SIGKILLed while several clients stream bills over HTTP, and restarted
 * on the same data directory, three times over. After each restart every bill answered 201 is there
 * (GET by id, and a retried POST answers 200 with the same bill), numbers run 1..N without a gap, and
 * stock of each SKU is the opening receipt less everything the stored bills sold. Then every cart
 * left without an answer is retried, as a till would, and each must end up stored exactly once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KillNodeProcessTest {
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 3;
    private static final BigDecimal OPENING = new BigDecimal("100000");

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedBillSurvivesSigkillAndRestart() throws Exception {
        Map<String, String> config = TestNodes.tillOverrides(dir, "till-1", Map.of());
        Path log = dir.resolve("node.log");
        Random random = new Random(7);
        BillLedger ledger = new BillLedger();
        NodeProcess node = NodeProcess.start(config, log);
        try {
            ApiClient api = node.api();
            for (CatalogItem item : TestNodes.CATALOG) {
                ApiClient.Response r = api.post("/api/stock/receipts",
                        "{\"sku\":\"" + item.sku() + "\",\"qty\":" + OPENING + ",\"reason\":\"opening stock\"}");
                assertThat(r.status()).as("%s", r).isEqualTo(201);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                int before = ledger.acked().size();
                int target = before + 60 + random.nextInt(120);
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> clients = startClients(node.api(), ledger, random, stop);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
                        .until(() -> ledger.acked().size() >= target);
                long killedAt = System.nanoTime();
                node.kill();
                assertThat(node.exitCode()).as("killed by SIGKILL").isEqualTo(137);
                stop.set(true);
                for (Thread c : clients) {
                    c.join(20_000);
                    assertThat(c.isAlive()).isFalse();
                }
                long inFlight = ledger.inFlightAt(killedAt);
                System.out.printf("kill %d: %d carts sent, %d answered 201, %d in flight at the kill%n", round,
                        ledger.sent().size(), ledger.acked().size(), inFlight);
                assertThat(inFlight).as("round %d: bills were in flight at the kill", round).isPositive();

                node = NodeProcess.start(config, log);
                checkAfterRestart(node.api(), ledger, round);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nnode log tail:\n" + NodeProcess.tail(log), e);
        } finally {
            node.close();
        }
    }

    private static List<Thread> startClients(ApiClient api, BillLedger ledger, Random random, AtomicBoolean stop) {
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            Random own = new Random(random.nextLong());
            Thread c = new Thread(() -> {
                while (!stop.get()) {
                    BillLedger.Sent s = ledger.newBill(own);
                    try {
                        ApiClient.Response r = api.tryPost("/api/bills", s.json());
                        if (r.status() == 201) {
                            ledger.ack(s, r.body().get("id").asText(), r.body().get("number").asLong(),
                                    r.body().get("total").asLong());
                        } else {
                            ledger.fail(s);
                        }
                    } catch (Exception e) {
                        ledger.fail(s);
                    }
                }
            }, "biller-" + t);
            c.start();
            clients.add(c);
        }
        return clients;
    }

    private static void checkAfterRestart(ApiClient api, BillLedger ledger, int round) {
        // Every bill answered 201 is there, as it was answered.
        for (BillLedger.Ack a : ledger.acked().values()) {
            ApiClient.Response r = api.get("/api/bills/" + a.id());
            assertThat(r.status()).as("round %d: acknowledged bill %s (#%d) after restart", round, a.id(), a.number())
                    .isEqualTo(200);
            assertThat(r.body().get("number").asLong()).as("number of %s", a.id()).isEqualTo(a.number());
            assertThat(r.body().get("total").asLong()).as("total of %s", a.id()).isEqualTo(a.total());
            assertThat(r.body().get("clientBillId").asText()).isEqualTo(a.clientBillId());
        }
        // A till retrying an acknowledged cart gets the stored bill back, and nothing is written.
        long entries = api.entries();
        ledger.acked().values().stream().limit(25).forEach(a -> {
            ApiClient.Response r = api.post("/api/bills", ledger.sent().get(a.clientBillId()).json());
            assertThat(r.status()).as("retry of acknowledged %s", a.clientBillId()).isEqualTo(200);
            assertThat(r.body().get("id").asText()).isEqualTo(a.id());
            assertThat(r.body().get("number").asLong()).isEqualTo(a.number());
        });
        assertThat(api.entries()).isEqualTo(entries);

        // What survived: numbers 1..N, every bill one that was sent, stock the fold of them.
        Set<String> stored = assertGaplessAndSent(api, ledger, round);
        assertStock(api, ledger, stored, round);

        // Carts left without an answer are retried: stored already (200) or stored now (201), once.
        for (BillLedger.Sent s : ledger.sent().values()) {
            if (ledger.acked().containsKey(s.clientBillId())) {
                continue;
            }
            ApiClient.Response r = api.post("/api/bills", s.json());
            assertThat(r.status()).as("retry of unanswered %s: %s", s.clientBillId(), r).isIn(200, 201);
            assertThat(r.status() == 200).as("answered 200 exactly when it had survived")
                    .isEqualTo(stored.contains(s.clientBillId()));
            ledger.ack(s, r.body().get("id").asText(), r.body().get("number").asLong(), r.body().get("total").asLong());
        }
        Set<String> all = assertGaplessAndSent(api, ledger, round);
        assertThat(all).as("every cart ever sent is stored once").isEqualTo(ledger.sent().keySet());
        assertStock(api, ledger, all, round);
    }

    private static Set<String> assertGaplessAndSent(ApiClient api, BillLedger ledger, int round) {
        JsonNode bills = api.get("/api/bills?limit=10000").body();
        List<Long> numbers = new ArrayList<>();
        Set<String> carts = new HashSet<>();
        for (JsonNode b : bills) {
            numbers.add(b.get("number").asLong());
            String cart = b.get("clientBillId").asText();
            assertThat(ledger.sent()).as("stored bill %s was sent", cart).containsKey(cart);
            assertThat(carts.add(cart)).as("cart %s stored once", cart).isTrue();
        }
        numbers.sort(null);
        assertThat(numbers).as("round %d: bill numbers", round)
                .isEqualTo(LongStream.rangeClosed(1, numbers.size()).boxed().toList());
        return carts;
    }

    private static void assertStock(ApiClient api, BillLedger ledger, Set<String> stored, int round) {
        Map<String, Long> sold = ledger.soldMilli(stored);
        for (CatalogItem item : TestNodes.CATALOG) {
            BigDecimal expected = OPENING.subtract(BigDecimal.valueOf(sold.getOrDefault(item.sku(), 0L), 3));
            assertThat(api.onHand(item.sku())).as("round %d: stock of %s", round, item.sku())
                    .isEqualByComparingTo(expected);
        }
    }
}
