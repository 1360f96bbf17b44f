package io.storelog.node.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.ClusterNodeMain;
import io.storelog.node.testing.cluster.ProcessNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault suite: {@code nodes} store nodes and headquarters, each a real process on a test host of its
 * own ({@link TestHosts}), a till per lane billing without pause ({@link BillLoad}), and faults injected
 * at random from a seed for {@code duration} ({@link FaultKind}). Then everything is healed and the run
 * checks that every acknowledged bill is on every node and at headquarters exactly once, that vectors and
 * digests are equal, and that heap and file handles stayed flat; it writes a summary file either way.
 *
 * <p>Layout: host i runs store node i (node 0 is the store server, the soak node: it suffers network and
 * disk faults but is never restarted, so its heap and files are always judged over the window; the last
 * lane keeps its log behind a {@link io.storelog.node.testing.WriteBackStorage} and takes the power
 * cuts), host {@code nodes} runs headquarters on embedded Ignite. Each store node's data directory is a
 * tmpfs of {@value #DISK_MB} MiB of its own.
 */
public final class ChaosRun {
    static final int DISK_MB = 256;
    static final int HTTP_PORT = 8080;
    static final int PEER_PORT = 7070;
    static final int HQ_PORT = 8090;
    static final String STORE = "chaos-store";
    static final String KEY = "chaos-store-key";
    static final String TOKEN = "chaos-hq-token";

    /** What to run. */
    public record Settings(int nodes, Duration duration, long seed, Duration flatWindow, Path workDir, Path outDir,
                           String command) {
        /** At least this many faults per minute of faults, and every kind at least once. */
        static final int MIN_FAULTS_PER_MINUTE = 6;

        int minFaults() {
            return (int) Math.max(FaultKind.values().length, duration.toSeconds() * MIN_FAULTS_PER_MINUTE / 60);
        }

        /** At least half the faults must strike while a bill POST is outstanding. */
        int minInFlight() {
            return minFaults() / 2;
        }
    }

    /** The outcome: whether every check passed, the summary text and where it was written. */
    public record Result(boolean passed, String summary, Path file) {
    }

    private final Settings s;
    private final Random random;
    private final TestHosts hosts;
    private final int hq;
    private final ProcessNode[] procs;
    private final SmallDisk[] disks;
    private final long[] clockOffset;
    private final Set<String> incarnationsSeen = Collections.synchronizedSet(new TreeSet<>());
    private final Map<FaultKind, AtomicInteger> injected = new EnumMap<>(FaultKind.class);
    private final Map<FaultKind, AtomicInteger> struck = new EnumMap<>(FaultKind.class);
    private final ScheduledExecutorService healer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-healer");
        t.setDaemon(true);
        return t;
    });
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger incomplete = new AtomicInteger();
    private final Path catalog;
    private final Path storesFile;
    private final List<String> ignitesJvmArgs;
    private final String commit = shell("git", "rev-parse", "HEAD");
    private BillLoad load;
    private ResourceSampler sampler;
    private long started;

    private ChaosRun(Settings s, TestHosts hosts) throws IOException {
        this.s = s;
        this.random = new Random(s.seed());
        this.hosts = hosts;
        this.hq = s.nodes();
        this.procs = new ProcessNode[s.nodes() + 1];
        this.disks = new SmallDisk[s.nodes()];
        this.clockOffset = new long[s.nodes()];
        for (FaultKind k : FaultKind.values()) {
            injected.put(k, new AtomicInteger());
            struck.put(k, new AtomicInteger());
        }
        Files.createDirectories(s.workDir());
        this.catalog = TestNodes.writeCatalog(s.workDir());
        this.storesFile = Files.writeString(s.workDir().resolve("stores.csv"), "store,token\n" + STORE + "," + TOKEN + "\n");
        this.ignitesJvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")).toList();
    }

    /** Runs the whole suite on fresh test hosts, which it deletes at the end whatever happens. */
    public static Result run(Settings s) throws Exception {
        Files.createDirectories(s.outDir());
        try (TestHosts hosts = TestHosts.create(s.nodes() + 1, new Random(s.seed() ^ System.nanoTime()))) {
            ChaosRun run = new ChaosRun(s, hosts);
            try {
                return run.execute();
            } finally {
                run.shutdown();
            }
        }
    }

    // ---- the run ----

    private Result execute() throws Exception {
        for (int i = 0; i < s.nodes(); i++) {
            disks[i] = SmallDisk.mount(s.workDir().resolve("disk-" + i), DISK_MB);
            clockOffset[i] = i == 0 ? 0 : skew();
        }
        startHq();
        for (int i = 0; i < s.nodes(); i++) {
            startNode(i);
        }
        List<ApiClient> lanes = new ArrayList<>();
        for (int i = 0; i < s.nodes(); i++) {
            lanes.add(api(i).withTimeout(Duration.ofSeconds(5)));
        }
        awaitReady(Duration.ofSeconds(60));
        load = new BillLoad(lanes, s.seed());
        sampler = new ResourceSampler(s.nodes(), i -> procs[i]);
        started = System.currentTimeMillis();
        load.start();
        long end = started + s.duration().toMillis();
        long sampleEvery = Math.max(2_000, s.flatWindow().toMillis() / 30);
        ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor();
        sampling.scheduleWithFixedDelay(sampler::sampleAll, 0, sampleEvery, TimeUnit.MILLISECONDS);
        List<FaultKind> round = new ArrayList<>();
        // A slow machine may not reach every kind within a short run; it then goes on (at most 2 minutes)
        // until each kind struck once, rather than fail for a kind it never tried.
        while (System.currentTimeMillis() < end
                || (injected.values().stream().anyMatch(c -> c.get() == 0) && System.currentTimeMillis() < end + 120_000)) {
            LockSupport.parkNanos((1_000L + random.nextInt(2_500)) * 1_000_000L);
            if (round.isEmpty()) {
                round.addAll(List.of(FaultKind.values()));
                Collections.shuffle(round, random);
            }
            FaultKind k = round.remove(0);
            try {
                inject(k);
            } catch (IOException | RuntimeException | AssertionError e) {
                // A node that fails to come back is restarted when everything is healed; the checks then judge it.
                incomplete.incrementAndGet();
                events.add(at() + " " + k + " could not be completed: " + e);
            }
        }
        long loadStopped = System.currentTimeMillis();
        sampling.shutdownNow();
        load.close();
        healer.shutdownNow();
        healer.awaitTermination(30, TimeUnit.SECONDS);
        healEverything();
        long lastHeal = System.currentTimeMillis();
        String convergence = awaitConverged(Duration.ofMinutes(5));
        long convergedMs = System.currentTimeMillis() - lastHeal;
        return check(convergence, convergedMs, loadStopped);
    }

    private long skew() {
        long ms = 5_000 + random.nextInt(115_000);
        return random.nextBoolean() ? ms : -ms;
    }

    private String at() {
        return String.format(Locale.ROOT, "+%6.1fs", (System.currentTimeMillis() - started) / 1000.0);
    }

    // ---- faults ----

    private void inject(FaultKind kind) throws Exception {
        int n = s.nodes();
        switch (kind) {
            case CUT -> {
                int i = random.nextInt(n + 1);
                int j = (i + 1 + random.nextInt(n)) % (n + 1);
                count(kind, load.awaitAnyInFlight());
                hosts.cut(i, j);
                events.add(at() + " cut " + i + "-" + j);
                healLater(() -> hosts.heal(i, j), 2_000 + random.nextInt(8_000));
            }
            case UNPLUG -> {
                int i = random.nextInt(n + 1);
                count(kind, i < n ? load.awaitInFlight(i) : load.awaitAnyInFlight());
                hosts.unplug(i);
                events.add(at() + " unplug " + i);
                healLater(() -> hosts.plug(i), 2_000 + random.nextInt(6_000));
            }
            case SLOW_LOSSY_LINK -> {
                int i = random.nextInt(n + 1);
                int kbit = 64 + random.nextInt(448);
                int latency = 20 + random.nextInt(280);
                count(kind, i < n ? load.awaitInFlight(i) : load.awaitAnyInFlight());
                hosts.slow(i, kbit, latency);
                events.add(at() + " slow " + i + " " + kbit + "kbit queue " + latency + "ms");
                healLater(() -> hosts.unslow(i), 3_000 + random.nextInt(7_000));
            }
            case KILL -> {
                int i = n <= 2 ? 1 : 1 + random.nextInt(n - 2);
                killAndRestart(kind, i, false, load.awaitInFlight(i));
            }
            case POWER_CUT -> killAndRestart(kind, n - 1, false, load.awaitInFlight(n - 1));
            case CLOCK_SKEW -> {
                int i = 1 + random.nextInt(n - 1);
                clockOffset[i] = skew();
                count(kind, load.awaitInFlight(i));
                procs[i].stop();
                events.add(at() + " clock skew " + i + " now " + clockOffset[i] + " ms");
                startNode(i);
            }
            case DISK_FULL -> {
                int i = random.nextInt(n);
                if (disks[i].isFull()) {
                    events.add(at() + " disk full " + i + " skipped: already full");
                    return;
                }
                count(kind, load.awaitInFlight(i));
                disks[i].fill();
                events.add(at() + " disk full " + i);
                healLater(() -> {
                    try {
                        disks[i].drain();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, 2_000 + random.nextInt(6_000));
            }
            case WIPE -> wipe(1 + random.nextInt(n - 1));
            case HQ_KILL -> {
                count(kind, load.awaitAnyInFlight());
                procs[hq].kill();
                events.add(at() + " kill hq");
                LockSupport.parkNanos((500L + random.nextInt(2_500)) * 1_000_000L);
                startHq();
            }
        }
    }

    private void count(FaultKind kind, boolean inFlight) {
        injected.get(kind).incrementAndGet();
        if (inFlight) {
            struck.get(kind).incrementAndGet();
        }
    }

    private void killAndRestart(FaultKind kind, int i, boolean wipe, boolean inFlight) throws IOException {
        count(kind, inFlight);
        procs[i].kill();
        events.add(at() + " " + kind.name().toLowerCase(Locale.ROOT) + " " + i);
        LockSupport.parkNanos((300L + random.nextInt(2_700)) * 1_000_000L);
        if (wipe) {
            disks[i].wipe();
        }
        startNode(i);
    }

    /**
     * Wipes lane i. A bill answered 201 is on a peer's disk only when a peer answered within the ack
     * timeout, so the lane is first drained and its own entries awaited on a peer (a disk replaced in a
     * store would not be replaced under a bill either); the wipe then strikes while the other lanes bill.
     */
    private void wipe(int i) throws IOException {
        if (hosts.isUnplugged(i) || disks[i].isFull()) {
            events.add(at() + " wipe " + i + " skipped: lane cut off or disk full");
            return;
        }
        load.pauseAndDrain(i);
        try {
            String inc = procs[i].incarnation();
            JsonNode mine = digest(i);
            long own = mine == null ? -1 : mine.path("versionVector").path(inc).asLong(-1);
            long deadline = System.currentTimeMillis() + 20_000;
            boolean onPeer = false;
            while (own >= 0 && !onPeer && System.currentTimeMillis() < deadline) {
                for (int j = 0; j < s.nodes() && !onPeer; j++) {
                    if (j != i) {
                        JsonNode d = digest(j);
                        onPeer = d != null && d.path("versionVector").path(inc).asLong(-2) >= own;
                    }
                }
                LockSupport.parkNanos(200_000_000L);
            }
            if (!onPeer || own < 0) {
                events.add(at() + " wipe " + i + " skipped: its entries not yet on a peer");
                return;
            }
            Set<String> before;
            synchronized (incarnationsSeen) {
                before = new TreeSet<>(incarnationsSeen);
            }
            load.awaitAnyInFlight();
            killAndRestart(FaultKind.WIPE, i, true, load.anyInFlight());
            if (before.contains(procs[i].incarnation())) {
                events.add(at() + " WIPED LANE " + i + " REUSED INCARNATION " + procs[i].incarnation());
            }
        } finally {
            load.resume(i);
        }
    }

    private void healLater(Runnable heal, long ms) {
        healer.schedule(() -> {
            try {
                heal.run();
            } catch (RuntimeException e) {
                events.add(at() + " heal failed: " + e);
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    private void healEverything() throws IOException {
        hosts.healAll();
        for (int i = 0; i < s.nodes(); i++) {
            disks[i].drain();
            if (procs[i] == null || !procs[i].isAlive()) {
                startNode(i);
            }
        }
        if (procs[hq] == null || !procs[hq].isAlive()) {
            startHq();
        }
        events.add(at() + " healed everything");
    }

    // ---- processes ----

    private void startNode(int i) {
        // A node is not restarted onto a disk that is still full: the fill is a fault of its own, healed on schedule.
        long deadline = System.currentTimeMillis() + 15_000;
        while (disks[i].isFull() && System.currentTimeMillis() < deadline) {
            LockSupport.parkNanos(100_000_000L);
        }
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, i == 0 ? "server" : "lane-" + i);
        if (i == 0) {
            o.put(ConfigKeys.NODE_ROLE, "server");
        }
        o.put(ConfigKeys.STORE_ID, STORE);
        o.put(ConfigKeys.STORE_KEY, KEY);
        o.put(ConfigKeys.DATA_DIR, disks[i].dataDir().toString());
        o.put(ConfigKeys.HTTP_PORT, Integer.toString(HTTP_PORT));
        o.put(ConfigKeys.HTTP_BIND, "0.0.0.0");
        o.put(ConfigKeys.PEER_PORT, Integer.toString(PEER_PORT));
        o.put(ConfigKeys.STORE_TIME_ZONE, "Europe/Berlin");
        o.put(ConfigKeys.CATALOG_FILE, catalog.toString());
        o.put(ConfigKeys.HQ_URL, "http://" + hosts.ip(hq) + ":" + HQ_PORT);
        o.put(ConfigKeys.HQ_TOKEN, TOKEN);
        o.put(ConfigKeys.CLOCK_OFFSET_MS, Long.toString(clockOffset[i]));
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < s.nodes(); j++) {
            if (j != i) {
                peers.add(hosts.ip(j) + ":" + PEER_PORT);
            }
        }
        o.put(ConfigKeys.PEER_PEERS, String.join(",", peers));
        List<String> options = i == s.nodes() - 1 ? List.of(ClusterNodeMain.WRITE_BACK_DISK) : List.of();
        procs[i] = ProcessNode.start(new ProcessNode.Launch(hosts.launcher(i), List.of(), options, hosts.ip(i)), o,
                s.workDir().resolve("node-" + i + ".log"), Duration.ofSeconds(90));
        incarnationsSeen.add(procs[i].incarnation());
    }

    private void startHq() {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ROLE, "hq");
        o.put(ConfigKeys.HTTP_PORT, Integer.toString(HQ_PORT));
        o.put(ConfigKeys.HTTP_BIND, "0.0.0.0");
        o.put(ConfigKeys.DATA_DIR, s.workDir().resolve("hq").toString());
        o.put(ConfigKeys.HQ_STORES_FILE, storesFile.toString());
        procs[hq] = ProcessNode.start(new ProcessNode.Launch(hosts.launcher(hq), ignitesJvmArgs, List.of(), hosts.ip(hq)), o,
                s.workDir().resolve("hq.log"), Duration.ofSeconds(120));
    }

    private ApiClient api(int i) {
        return ApiClient.at("http://" + hosts.ip(i) + ":" + (i == hq ? HQ_PORT : HTTP_PORT)).withTimeout(Duration.ofSeconds(10));
    }

    private JsonNode digest(int i) {
        try {
            ApiClient.Response r = api(i).get("/api/state/digest");
            return r.status() == 200 ? r.body() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private JsonNode hqStore() {
        try {
            ApiClient.Response r = api(hq).get("/api/hq/stores/" + STORE);
            return r.status() == 200 ? r.body() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            int linked = 0;
            for (int i = 0; i < s.nodes(); i++) {
                try {
                    JsonNode st = api(i).get("/api/status").body();
                    int up = 0;
                    for (JsonNode p : st.path("peers")) {
                        up += p.path("connected").asBoolean() ? 1 : 0;
                    }
                    if (st.path("offlineReady").asBoolean() && up == s.nodes() - 1) {
                        linked++;
                    }
                } catch (RuntimeException e) {
                    // not up yet
                }
            }
            if (linked == s.nodes()) {
                return;
            }
            LockSupport.parkNanos(500_000_000L);
        }
        throw new IllegalStateException("nodes did not link within " + timeout + "; logs in " + s.workDir());
    }

    /** Polls until every node and headquarters hold the same vector (and the nodes the same digest); empty, or why not. */
    private String awaitConverged(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String why = "";
        while (System.currentTimeMillis() < deadline) {
            why = divergence();
            if (why.isEmpty()) {
                return "";
            }
            LockSupport.parkNanos(1_000_000_000L);
        }
        return why;
    }

    private String divergence() {
        JsonNode first = digest(0);
        if (first == null) {
            return "node 0 does not answer";
        }
        for (int i = 1; i < s.nodes(); i++) {
            JsonNode d = digest(i);
            if (d == null) {
                return "node " + i + " does not answer";
            }
            if (!d.path("versionVector").equals(first.path("versionVector")) || !d.path("digest").equals(first.path("digest"))) {
                return "node " + i + " " + d + " vs node 0 " + first;
            }
        }
        JsonNode h = hqStore();
        if (h == null) {
            return "headquarters does not answer for " + STORE;
        }
        if (!h.path("versionVector").equals(first.path("versionVector")) || h.path("entries").asLong() != first.path("entries").asLong()) {
            return "headquarters " + h + " vs node 0 " + first;
        }
        return "";
    }

    // ---- checks and summary ----

    private Result check(String convergence, long convergedMs, long loadStopped) throws IOException {
        List<String> failures = new ArrayList<>();
        if (!convergence.isEmpty()) {
            failures.add("did not converge within 5 minutes: " + convergence);
        }
        Map<String, BillLoad.Acked> acked = load.acked();
        Set<String> days = new TreeSet<>();
        acked.values().forEach(a -> days.add(a.businessDay()));
        for (String d : new ArrayList<>(days)) {
            days.add(LocalDate.parse(d).minusDays(1).toString());
            days.add(LocalDate.parse(d).plusDays(1).toString());
        }
        long lost = 0;
        long duplicated = 0;
        long storeBills = -1;
        for (int i = 0; i < s.nodes(); i++) {
            BillAudit audit = new BillAudit();
            for (String day : days) {
                ApiClient.Response r = api(i).withTimeout(Duration.ofSeconds(60)).get("/api/bills?day=" + day);
                if (r.status() != 200) {
                    failures.add("node " + i + " answered " + r + " for the bills of " + day);
                    continue;
                }
                audit.add(r.body());
            }
            long nodeLost = audit.lost(acked);
            long nodeDup = audit.duplicated();
            if (nodeLost > 0) {
                failures.add("node " + i + " lacks " + nodeLost + " acknowledged bills");
            }
            if (nodeDup > 0) {
                failures.add("node " + i + " holds " + nodeDup + " carts or ids more than once");
            }
            lost = Math.max(lost, nodeLost);
            duplicated = Math.max(duplicated, nodeDup);
            if (storeBills >= 0 && audit.bills() != storeBills) {
                failures.add("node " + i + " holds " + audit.bills() + " bills, node 0 " + storeBills);
            }
            if (storeBills < 0) {
                storeBills = audit.bills();
            }
        }
        JsonNode h = hqStore();
        long hqBills = h == null ? -1 : h.path("bills").asLong();
        if (hqBills != storeBills) {
            failures.add("headquarters holds " + hqBills + " bills, the store " + storeBills);
        }
        if (h != null && h.path("quarantined").asLong() != 0) {
            failures.add("headquarters quarantined " + h.path("quarantined") + " entries");
        }
        if (load.rejected() > 0) {
            failures.add(load.rejected() + " valid bills answered 400, e.g. " + load.lastRejection());
        }
        int faults = injected.values().stream().mapToInt(AtomicInteger::get).sum();
        int inFlight = struck.values().stream().mapToInt(AtomicInteger::get).sum();
        if (faults < s.minFaults()) {
            failures.add("only " + faults + " faults injected, at least " + s.minFaults() + " required");
        }
        if (inFlight < s.minInFlight()) {
            failures.add("only " + inFlight + " faults struck while writes were in flight, at least " + s.minInFlight() + " required");
        }
        for (FaultKind k : FaultKind.values()) {
            if (injected.get(k).get() == 0) {
                failures.add("no " + k + " fault was injected");
            }
        }
        for (String e : events) {
            if (e.contains("REUSED INCARNATION")) {
                failures.add(e);
            }
        }
        long windowFrom = loadStopped - s.flatWindow().toMillis();
        List<String> flatLines = new ArrayList<>();
        for (int i = 0; i < s.nodes(); i++) {
            ResourceSampler.Verdict v = sampler.verdict(i, windowFrom, loadStopped);
            flatLines.add("  node " + i + ": " + (v.judged() ? (v.flat() ? "flat" : "NOT FLAT") : "not judged") + " - " + v.text());
            if (v.judged() && !v.flat()) {
                failures.add("node " + i + " heap or open files grew: " + v.text());
            }
            if (i == 0 && !v.judged()) {
                failures.add("the soak node 0 could not be judged for flat heap and files: " + v.text());
            }
        }
        String summary = summary(failures, acked.size(), lost, duplicated, storeBills, hqBills, faults, inFlight, convergedMs,
                convergence.isEmpty(), flatLines);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = s.outDir().resolve("chaos-" + stamp + ".txt");
        Files.writeString(file, summary);
        Files.write(s.workDir().resolve("events.txt"), new ArrayList<>(events));
        System.out.println(summary);
        return new Result(failures.isEmpty(), summary, file);
    }

    private String summary(List<String> failures, int acked, long lost, long duplicated, long storeBills, long hqBills,
                           int faults, int inFlight, long convergedMs, boolean converged, List<String> flatLines) {
        StringBuilder b = new StringBuilder();
        b.append("StoreLog fault suite: ").append(failures.isEmpty() ? "PASSED" : "FAILED").append('\n');
        b.append("date (UTC):        ").append(Instant.now()).append('\n');
        b.append("git commit:        ").append(commit).append(" (at the start of the run)").append('\n');
        b.append("nproc:             ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        b.append("kernel:            ").append(shell("uname", "-r")).append('\n');
        b.append("filesystem:        node data on tmpfs size=").append(DISK_MB).append("m each; headquarters (Ignite) on ")
                .append(shell("stat", "-f", "-c", "%T", s.workDir().toString())).append('\n');
        b.append("command:           ").append(s.command()).append('\n');
        b.append("hosts:             ").append(s.nodes()).append(" store nodes + headquarters, one network namespace each (")
                .append(hosts.prefix()).append("-h*)\n");
        b.append("duration of faults: ").append(s.duration()).append(", seed ").append(s.seed()).append('\n');
        b.append('\n');
        b.append("bills acknowledged: ").append(acked).append('\n');
        b.append("bills lost:         ").append(lost).append('\n');
        b.append("bills duplicated:   ").append(duplicated).append('\n');
        b.append("bills on every node: ").append(storeBills).append(", at headquarters: ").append(hqBills)
                .append(" (extra ones are carts whose 201 never arrived)\n");
        b.append("POST attempts failed (retried): ").append(load.failedAttempts()).append(", carts given up: ").append(load.givenUp())
                .append('\n');
        b.append("faults injected:    ").append(faults).append(" (minimum ").append(s.minFaults()).append(")\n");
        b.append("faults in flight:   ").append(inFlight).append(" (minimum ").append(s.minInFlight()).append(")\n");
        for (FaultKind k : FaultKind.values()) {
            b.append(String.format(Locale.ROOT, "  %-16s %5d injected, %5d while writes were in flight%n", k,
                    injected.get(k).get(), struck.get(k).get()));
        }
        b.append("faults that could not be completed (see events.txt): ").append(incomplete.get()).append('\n');
        b.append("time to converge after the last heal: ")
                .append(converged ? String.format(Locale.ROOT, "%.1f s", convergedMs / 1000.0) : "did not converge").append('\n');
        b.append("incarnations seen:  ").append(incarnationsSeen.size()).append(" (every wiped lane came back as one not seen before: ")
                .append(events.stream().noneMatch(e -> e.contains("REUSED INCARNATION")) ? "yes" : "NO").append(")\n");
        b.append("heap and open files over the last ").append(s.flatWindow()).append(" of faults:\n");
        flatLines.forEach(l -> b.append(l).append('\n'));
        if (!failures.isEmpty()) {
            b.append("\nfailures:\n");
            failures.forEach(f -> b.append("  - ").append(f).append('\n'));
            b.append("node logs: ").append(s.workDir()).append('\n');
        }
        return b.toString();
    }

    private static String shell(String... cmd) {
        try {
            return TestHosts.run(List.of(cmd)).out().trim();
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private void shutdown() {
        healer.shutdownNow();
        if (load != null) {
            load.close();
        }
        for (ProcessNode p : procs) {
            if (p != null) {
                p.kill();
            }
        }
        for (SmallDisk d : disks) {
            if (d != null) {
                d.close();
            }
        }
    }
}
