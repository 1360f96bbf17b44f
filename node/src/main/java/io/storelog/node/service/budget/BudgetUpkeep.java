package io.storelog.node.service.budget;

import io.storelog.node.replication.PeerStatus;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.BudgetView;
import io.storelog.node.state.StoreState;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lane's periodic budget work: minting the configured offline card cap and moving idle budget to lanes that sell. */
final class BudgetUpkeep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetUpkeep.class);

    private final StoreState state;
    private final LaneShares shares;
    private final BudgetTransfers transfers;
    private final BudgetService.Settings settings;
    private final Optional<Replicator> replicator;
    private final BooleanSupplier ready;
    /** Key -> System.nanoTime() of this lane's last spend of it (in memory: rebalancing only). */
    private final Map<String, Long> lastSpend = new ConcurrentHashMap<>();
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private volatile boolean capMinted;

    /** Starts the once-a-second work on its own daemon thread. */
    BudgetUpkeep(StoreState state, LaneShares shares, BudgetTransfers transfers, BudgetService.Settings settings,
            Optional<Replicator> replicator, BooleanSupplier ready) {
        this.state = state;
        this.shares = shares;
        this.transfers = transfers;
        this.settings = settings;
        this.replicator = replicator;
        this.ready = ready;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storelog-budgets-" + settings.lane());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** This lane just spent {@code keys}: they are not idle. */
    void spent(Collection<String> keys) {
        long now = System.nanoTime();
        keys.forEach(k -> lastSpend.put(k, now));
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("budget rebalancing failed: {}", e.toString());
        }
    }

    /**
     * Once a second: the store server mints the configured card cap if no card cap exists yet; and for
     * each budget this lane sold nothing of for {@code rebalance-idle-seconds}, half its share goes to the
     * linked lane that sells it (has spent some) and holds least, when that lane holds under half as much.
     */
    void tick() {
        if (!ready.getAsBoolean()) {
            return;
        }
        mintConfiguredCap();
        if (settings.rebalanceIdleSeconds() <= 0 || replicator.isEmpty()) {
            return;
        }
        long idleNanos = TimeUnit.SECONDS.toNanos(settings.rebalanceIdleSeconds());
        long now = System.nanoTime();
        for (String key : state.budgetKeys()) {
            long last = lastSpend.getOrDefault(key, startedNanos);
            long mine = shares.available(key);
            if (now - last < idleNanos || mine < 2) {
                continue;
            }
            BudgetView v = state.budget(key);
            Optional<PeerStatus> taker = replicator.get().peers().stream()
                    .filter(p -> p.connected() && !p.incarnation().isEmpty())
                    .filter(p -> v.shares().containsKey(p.incarnation()) && v.shares().get(p.incarnation()).spent() > 0)
                    .filter(p -> v.unspent(p.incarnation()) < mine / 2)
                    .min(Comparator.comparingLong((PeerStatus p) -> v.unspent(p.incarnation())).thenComparing(PeerStatus::id));
            if (taker.isPresent()) {
                transfers.transfer(key, taker.get().incarnation(), available -> available / 2, "rebalanced to " + taker.get().id())
                        .whenComplete((e, t) -> lastSpend.put(key, System.nanoTime()));
            }
        }
    }

    private void mintConfiguredCap() {
        if (capMinted || !settings.mintsConfiguredCap() || settings.configuredCardCap() <= 0) {
            return;
        }
        if (state.budgetLimited(BudgetKeys.CARD_OFFLINE)) {
            capMinted = true;
            return;
        }
        // Minted only while linked (or in a store of one node): a server that lost its disk and came
        // back alone must not mint a second cap before it has seen the first one.
        if (replicator.isPresent() && !replicator.get().anyPeerConnected()) {
            return;
        }
        capMinted = true;
        transfers.mint(BudgetKeys.CARD_OFFLINE, settings.configuredCardCap(), "budgets.offline-card-cap", "config")
                .whenComplete((a, t) -> {
                    if (t != null) {
                        capMinted = false;
                    }
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
