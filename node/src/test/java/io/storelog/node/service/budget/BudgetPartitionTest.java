package io.storelog.node.service.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.service.BillOutcome;
import io.storelog.node.state.BillSummary;
import io.storelog.node.state.BudgetView;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.cluster.RandomFaults;
import io.storelog.node.testing.cluster.Seeds;
import io.storelog.node.testing.cluster.TestCluster;
import io.storelog.protocol.BudgetSpend;
import io.storelog.protocol.Entry;
import io.storelog.protocol.TenderType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Five lanes sell a limited item (and take offline card payments against the store's cap) hard from
 * every side while a fault thread cuts, isolates and heals links and stops, kills and restarts lanes at
 * random (the schedule follows the seed). Afterwards, healed: the store sold at most the budget and took
 * at most the cap, every lane holds the same budgets (equal vectors and digests), and every sale answered
 * 201 is on every lane under the id it was answered with.
 *
 * <p>CI runs two seeds; {@code -Dstorelog.seeds=N} runs N more in the {@code slow} variant
 * ({@code mvn -Pslow}), {@code -Dstorelog.seed=S} replays one.
 */
class BudgetPartitionTest {
    private static final int NODES = 5;
    private static final int CLIENTS = 8;
    private static final Duration CHAOS = Duration.ofSeconds(8);
    /** Bottles of wine in the promotion. */
    private static final long WINE_BUDGET = 200;
    /** Offline card payments the store accepts in all, minor units: about 100 bars of soap. */
    private static final long CARD_CAP = 20_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    static Stream<Long> ciSeeds() {
        return Seeds.ci(5L, 17L);
    }

    static Stream<Long> manySeeds() {
        return Seeds.many(2000, 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("ciSeeds")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void limitsHoldUnderRandomPartitions(long seed) throws Exception {
        new Run(seed, dir).run();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("manySeeds")
    @Tag("slow")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void limitsHoldUnderRandomPartitionsManySeeds(long seed) throws Exception {
        new Run(seed, dir.resolve("seed-" + seed)).run();
    }

    private static final class Run {
        final long seed;
        final Path dir;
        /** Client bill id -> (lane index, bill id answered). */
        final Map<String, String> acked = new ConcurrentHashMap<>();
        final Map<String, Integer> ackedOn = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** Sales sent and not yet answered: the fault schedule counts the faults that strike while some are. */
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean stop;

        Run(long seed, Path dir) {
            this.seed = seed;
            this.dir = dir;
        }

        void run() throws Exception {
            long started = System.nanoTime();
            try (TestCluster c = TestCluster.builder(dir).nodes(NODES).ackTimeoutMs(50)
                    .override("budgets.rebalance-idle-seconds", "1").override("budgets.ask-timeout-ms", "300").start()) {
                c.awaitLinked(Duration.ofSeconds(15));
                c.awaitAllReady(Duration.ofSeconds(15));
                // Two operators at two lanes set the budgets up; every lane holds them before the sales start.
                assertThat(c.api(0).put("/api/budgets/WINE", ApiClient.object().put("total", WINE_BUDGET / 2)).status()).isEqualTo(200);
                // The second operator raises what lane 3 sees, so lane 3 must see the first change (else both add up).
                await().atMost(Duration.ofSeconds(10)).until(() -> c.node(3).state().budget("sku:WINE").total() == WINE_BUDGET / 2 * 1000);
                assertThat(c.api(3).put("/api/budgets/WINE", ApiClient.object().put("total", WINE_BUDGET)).status()).isEqualTo(200);
                assertThat(c.api(1).put("/api/budgets/card-offline", ApiClient.object().put("total", CARD_CAP)).status()).isEqualTo(200);
                c.awaitConverged(Duration.ofSeconds(15));
                assertThat(c.node(4).state().budget("sku:WINE").total()).isEqualTo(WINE_BUDGET * 1000);

                List<Thread> clients = new ArrayList<>();
                for (int k = 0; k < CLIENTS; k++) {
                    Random rnd = new Random(seed * 1_000 + k);
                    String prefix = "b" + seed + "-c" + k + "-";
                    Thread t = new Thread(() -> client(c, rnd, prefix), "pos-" + k);
                    t.setDaemon(true);
                    clients.add(t);
                }
                clients.forEach(Thread::start);
                RandomFaults faults = new RandomFaults(c, new Random(seed), inFlight::get);
                faults.run(CHAOS);
                stop = true;
                for (Thread t : clients) {
                    t.join(30_000);
                    assertThat(t.isAlive()).as("client %s ended", t.getName()).isFalse();
                }
                c.healAndStartAll();
                c.awaitLinked(Duration.ofSeconds(20));
                c.awaitConverged(Duration.ofSeconds(30));
                System.out.printf("BudgetPartitionTest seed %d: %d sales answered 201, %d refused 409, %d failed otherwise; "
                                + "%d faults (%s), %d while sales were in flight; %.1f s%n", seed, acked.size(), refused.get(),
                        failed.get(), faults.faults(), faults.kinds(), faults.faultsInFlight(), (System.nanoTime() - started) / 1e9);
                c.verify(() -> check(c, faults));
            }
        }

        /**
         * One POS after another on random lanes, in bursts of up to four sales sent to one lane at once (as
         * several tills behind one node would), so sales of one lane race each other for its share.
         */
        private void client(TestCluster c, Random rnd, String prefix) {
            int n = 0;
            while (!stop) {
                List<Integer> up = c.running();
                int lane = up.get(rnd.nextInt(up.size()));
                StoreNode node = c.nodeOrNull(lane);
                if (node == null) {
                    continue;
                }
                Map<String, java.util.concurrent.CompletableFuture<BillOutcome>> burst = new TreeMap<>();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    String id = prefix + (n++);
                    BillRequest bill = rnd.nextBoolean()
                            ? new BillRequest(id, List.of(new LineRequest("WINE", 1000L * (1 + rnd.nextInt(2)), null)), null,
                                    List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, "test")
                            : new BillRequest(id, List.of(new LineRequest("SOAP", 1000, null)), null,
                                    List.of(new TenderRequest(TenderType.CARD, null, "AUTH-" + id, null, true)), null, "test");
                    inFlight.incrementAndGet();
                    burst.put(id, node.bills().submit(bill).whenComplete((o, t) -> inFlight.decrementAndGet()));
                }
                burst.forEach((id, f) -> {
                    try {
                        BillOutcome o = f.get(5, TimeUnit.SECONDS);
                        acked.put(id, o.id());
                        ackedOn.put(id, lane);
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof BudgetExhausted) {
                            refused.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (TimeoutException e) {
                        failed.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                });
            }
        }

        private void check(TestCluster c, RandomFaults faults) {
            assertThat(faults.faultsInFlight()).as("faults that struck while sales were in flight (a run without any tested nothing)")
                    .isGreaterThanOrEqualTo(3);
            assertThat(acked).as("sales answered 201 (a run that sold nothing tested nothing)").hasSizeGreaterThan(10);
            assertThat(refused.get()).as("sales refused for want of budget (a run that never hit a limit tested nothing)")
                    .isPositive();
            BudgetView wine0 = c.node(0).state().budget("sku:WINE");
            BudgetView card0 = c.node(0).state().budget("card-offline");
            for (int i = 0; i < NODES; i++) {
                StoreNode node = c.node(i);
                String where = c.name(i) + " (seed " + seed + ")";
                BudgetView wine = node.state().budget("sku:WINE");
                BudgetView card = node.state().budget("card-offline");
                assertThat(wine).as("the wine budget on %s equals lane 0's", where).isEqualTo(wine0);
                assertThat(card).as("the card cap on %s equals lane 0's", where).isEqualTo(card0);
                assertThat(wine.total()).isEqualTo(WINE_BUDGET * 1000);
                assertThat(card.total()).isEqualTo(CARD_CAP);
                Map<String, Long> sold = sold(node);
                assertThat(sold.getOrDefault("WINE", 0L)).as("wine sold on %s", where).isLessThanOrEqualTo(WINE_BUDGET * 1000)
                        .isEqualTo(wine.spent());
                assertThat(sold.getOrDefault("card-offline", 0L)).as("offline card payments on %s", where)
                        .isLessThanOrEqualTo(CARD_CAP).isEqualTo(card.spent());
                assertThat(wine.shares().values()).as("no lane's wine share below zero on %s", where)
                        .allSatisfy(s -> assertThat(s.unspent()).isNotNegative());
                assertThat(card.shares().values()).allSatisfy(s -> assertThat(s.unspent()).isNotNegative());
                for (Map.Entry<String, String> a : acked.entrySet()) {
                    BillSummary b = node.state().billByClientId(a.getKey()).orElse(null);
                    assertThat(b).as("sale %s answered 201 on %s, held on %s", a.getKey(), c.name(ackedOn.get(a.getKey())), where)
                            .isNotNull();
                    assertThat(b.id()).isEqualTo(a.getValue());
                }
            }
        }

        /** Wine sold (thousandths, from bill lines) and offline card money taken (from tenders), from the bills a node holds. */
        private static Map<String, Long> sold(StoreNode node) {
            Map<String, Long> out = new TreeMap<>();
            for (BillSummary s : node.state().recentBills(Integer.MAX_VALUE)) {
                Entry e = node.log().read(s.position());
                e.getBill().getLinesList().stream().filter(l -> l.getSku().equals("WINE"))
                        .forEach(l -> out.merge("WINE", l.getQtyMilli(), Long::sum));
                e.getBill().getTendersList().stream().filter(t -> t.getOffline())
                        .forEach(t -> out.merge("card-offline", t.getAmount(), Long::sum));
                for (BudgetSpend sp : e.getBill().getBudgetSpendsList()) {
                    assertThat(sp.getAmount()).isPositive();
                }
            }
            return out;
        }
    }
}
