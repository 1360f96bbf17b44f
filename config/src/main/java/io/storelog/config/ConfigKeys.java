package io.storelog.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every configuration key and its default, in one place. A key is a dotted path into the YAML file
 * ({@code http.port} is {@code port:} inside {@code http:}) and the name an override uses.
 */
public final class ConfigKeys {
    public static final String NODE_ID = "node.id";
    public static final String NODE_ROLE = "node.role";
    public static final String STORE_ID = "store.id";
    public static final String STORE_KEY = "store.key";
    public static final String STORE_TIME_ZONE = "store.time-zone";
    public static final String STORE_CURRENCY = "store.currency";
    public static final String STORE_TAX_CLASSES = "store.tax-classes";
    public static final String DATA_DIR = "data.dir";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_BIND = "http.bind";
    public static final String HTTP_API_TOKEN = "http.api-token";
    public static final String HTTP_MAX_BODY_BYTES = "http.max-body-bytes";
    public static final String PEER_PORT = "peer.port";
    public static final String PEER_PEERS = "peer.peers";
    public static final String PEER_BIND = "peer.bind";
    public static final String PEER_TLS = "peer.tls";
    public static final String PEER_TLS_CA = "peer.tls-ca";
    public static final String PEER_TLS_CERT = "peer.tls-cert";
    public static final String PEER_TLS_KEY = "peer.tls-key";
    public static final String HQ_URL = "hq.url";
    public static final String HQ_TOKEN = "hq.token";
    public static final String HQ_STORES_FILE = "hq.stores-file";
    public static final String HQ_IGNITE_ADDRESSES = "hq.ignite-addresses";
    public static final String HQ_IGNITE_PORT = "hq.ignite-port";
    public static final String HQ_TLS_CERT = "hq.tls-cert";
    public static final String HQ_TLS_KEY = "hq.tls-key";
    public static final String HQ_TLS_TRUST = "hq.tls-trust";
    public static final String HQ_TLS_PIN = "hq.tls-pin";
    public static final String CATALOG_FILE = "catalog.file";
    public static final String LOG_SEGMENT_BYTES = "log.segment-bytes";
    public static final String LOG_MAX_BATCH_RECORDS = "log.max-batch-records";
    public static final String LOG_ARCHIVE_AFTER_DAYS = "log.archive-after-days";
    public static final String REPLICATION_ACK_REPLICAS = "replication.ack-replicas";
    public static final String REPLICATION_ACK_TIMEOUT_MS = "replication.ack-timeout-ms";
    public static final String STAFF_BOOTSTRAP_FILE = "staff.bootstrap-file";
    public static final String STAFF_PIN_ITERATIONS = "staff.pin-iterations";
    public static final String STAFF_SESSION_MINUTES = "staff.session-minutes";
    public static final String STAFF_MAX_PIN_FAILURES = "staff.max-pin-failures";
    public static final String STAFF_LOCKOUT_SECONDS = "staff.lockout-seconds";
    public static final String APPROVALS_DISCOUNT_LIMIT_PERCENT = "approvals.discount-limit-percent";
    public static final String BARCODES_PRICE_PREFIXES = "barcodes.price-prefixes";
    public static final String BARCODES_WEIGHT_PREFIXES = "barcodes.weight-prefixes";
    public static final String BARCODES_ITEM_DIGITS = "barcodes.item-digits";
    public static final String BARCODES_VALUE_DIGITS = "barcodes.value-digits";
    public static final String BARCODES_VALUE_CHECK_DIGIT = "barcodes.value-check-digit";
    public static final String BARCODES_WEIGHT_DECIMALS = "barcodes.weight-decimals";
    public static final String BARCODES_PRICE_DECIMALS = "barcodes.price-decimals";
    public static final String CURRENCY_CASH_INCREMENT = "currency.cash-increment";
    /** For fault tests only: a skew added to the node's wall clock. */
    public static final String CLOCK_OFFSET_MS = "clock.offset-ms";
    public static final String BUDGETS_OFFLINE_CARD_CAP = "budgets.offline-card-cap";
    public static final String BUDGETS_OFFLINE_AFTER_SECONDS = "budgets.offline-after-seconds";
    public static final String BUDGETS_REBALANCE_IDLE_SECONDS = "budgets.rebalance-idle-seconds";
    public static final String BUDGETS_ASK_TIMEOUT_MS = "budgets.ask-timeout-ms";

    public static final Role DEFAULT_ROLE = Role.TILL;
    /** node.id when none is given: one per role, so a till, a server and HQ on one machine do not collide. */
    public static final Map<Role, String> DEFAULT_NODE_IDS = Map.of(Role.TILL, "till-1", Role.SERVER, "server", Role.HQ, "hq");
    public static final String DEFAULT_STORE_ID = "demo-store";
    public static final String DEFAULT_CURRENCY = "EUR";
    /** Tax classes as percent text, the same form the file takes. */
    public static final Map<String, String> DEFAULT_TAX_CLASSES = Map.of("standard", "20", "reduced", "5", "zero", "0");
    /** data.dir when none is given is this folder plus the node id. */
    public static final String DEFAULT_DATA_PARENT = "data";
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** Loopback: a till API should not be reachable from the LAN unless someone decides so. */
    public static final String DEFAULT_HTTP_BIND = "127.0.0.1";
    public static final int DEFAULT_HTTP_MAX_BODY_BYTES = 1024 * 1024;
    public static final int MIN_HTTP_MAX_BODY_BYTES = 1024;
    public static final int DEFAULT_PEER_PORT = 9080;
    /** Ignite's own default discovery port; the embedded HQ node listens on it on loopback only. */
    public static final int DEFAULT_HQ_IGNITE_PORT = 47500;
    /** Peers are other machines on the store LAN, so the peer port listens on every interface. */
    public static final String DEFAULT_PEER_BIND = "0.0.0.0";
    /** Peer links run over TLS unless a store turns it off (for debugging with a packet capture). */
    public static final boolean DEFAULT_PEER_TLS = true;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final long MIN_LOG_SEGMENT_BYTES = 1024L * 1024;
    /** Segment files are addressed with int offsets by readers that map them; keep below 2 GiB. */
    public static final long MAX_LOG_SEGMENT_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_LOG_MAX_BATCH_RECORDS = 4096;
    public static final int MAX_LOG_MAX_BATCH_RECORDS = 1_000_000;
    /** Long enough for refunds, which read the original bill from the log. */
    public static final int DEFAULT_LOG_ARCHIVE_AFTER_DAYS = 35;
    public static final int MAX_LOG_ARCHIVE_AFTER_DAYS = 36_500;
    public static final int DEFAULT_ACK_REPLICAS = 2;
    public static final int MAX_ACK_REPLICAS = 64;
    public static final int DEFAULT_ACK_TIMEOUT_MS = 50;
    public static final int MAX_ACK_TIMEOUT_MS = 60_000;
    /** PBKDF2 rounds: a PIN has few digits, so each guess must cost real time (about 50 ms here). */
    public static final int DEFAULT_PIN_ITERATIONS = 100_000;
    public static final int MIN_PIN_ITERATIONS = 1_000;
    public static final int MAX_PIN_ITERATIONS = 10_000_000;
    /** A sign-in lasts a long shift. */
    public static final int DEFAULT_SESSION_MINUTES = 720;
    public static final int MAX_SESSION_MINUTES = 7 * 24 * 60;
    public static final int DEFAULT_MAX_PIN_FAILURES = 5;
    public static final int MAX_PIN_FAILURES = 100;
    public static final int DEFAULT_LOCKOUT_SECONDS = 300;
    public static final int MAX_LOCKOUT_SECONDS = 24 * 60 * 60;
    public static final String DEFAULT_DISCOUNT_LIMIT_PERCENT = "10";
    /** GS1 in-store (restricted circulation) prefixes 20-29 that carry a price, and those that carry a weight. */
    public static final List<String> DEFAULT_BARCODES_PRICE_PREFIXES = List.of("22");
    public static final List<String> DEFAULT_BARCODES_WEIGHT_PREFIXES = List.of("21");
    /** The common layout 2F IIIII P VVVV C: five digits of item, a value check digit, four digits of value. */
    public static final int DEFAULT_BARCODES_ITEM_DIGITS = 5;
    public static final int DEFAULT_BARCODES_VALUE_DIGITS = 4;
    public static final boolean DEFAULT_BARCODES_VALUE_CHECK_DIGIT = true;
    /** Weights in kg with three decimals, i.e. grams. */
    public static final int DEFAULT_BARCODES_WEIGHT_DECIMALS = 3;
    /** Smallest coin in minor units; 1 means cash is paid to the minor unit (no rounding). */
    public static final int DEFAULT_CASH_INCREMENT = 1;
    public static final int MAX_CASH_INCREMENT = 100_000;
    /** A test clock skew beyond a day would only move business days, not test anything more. */
    public static final long MAX_CLOCK_OFFSET_MS = 86_400_000L;
    /** Five minutes without headquarters: longer than a leader change or a router restart. */
    public static final int DEFAULT_BUDGETS_OFFLINE_AFTER_SECONDS = 300;
    public static final int DEFAULT_BUDGETS_REBALANCE_IDLE_SECONDS = 30;
    public static final int DEFAULT_BUDGETS_ASK_TIMEOUT_MS = 500;
    public static final int MAX_BUDGETS_SECONDS = 7 * 24 * 60 * 60;

    /** Every key, in the order the README lists them. */
    public static final List<String> ALL = List.of(
            NODE_ID, NODE_ROLE, STORE_ID, STORE_KEY, STORE_TIME_ZONE, STORE_CURRENCY, STORE_TAX_CLASSES,
            DATA_DIR, HTTP_PORT, HTTP_BIND, HTTP_API_TOKEN, HTTP_MAX_BODY_BYTES, PEER_PORT, PEER_BIND, PEER_PEERS, PEER_TLS,
            PEER_TLS_CA, PEER_TLS_CERT, PEER_TLS_KEY,
            HQ_URL, HQ_TOKEN, HQ_STORES_FILE, HQ_IGNITE_ADDRESSES, HQ_IGNITE_PORT, HQ_TLS_CERT, HQ_TLS_KEY, HQ_TLS_TRUST,
            HQ_TLS_PIN, CATALOG_FILE, LOG_SEGMENT_BYTES, LOG_MAX_BATCH_RECORDS,
            LOG_ARCHIVE_AFTER_DAYS,
            REPLICATION_ACK_REPLICAS, REPLICATION_ACK_TIMEOUT_MS, STAFF_BOOTSTRAP_FILE, STAFF_PIN_ITERATIONS,
            STAFF_SESSION_MINUTES, STAFF_MAX_PIN_FAILURES, STAFF_LOCKOUT_SECONDS, APPROVALS_DISCOUNT_LIMIT_PERCENT,
            BARCODES_PRICE_PREFIXES, BARCODES_WEIGHT_PREFIXES,
            BARCODES_ITEM_DIGITS, BARCODES_VALUE_DIGITS, BARCODES_VALUE_CHECK_DIGIT, BARCODES_WEIGHT_DECIMALS,
            BARCODES_PRICE_DECIMALS, CURRENCY_CASH_INCREMENT, CLOCK_OFFSET_MS, BUDGETS_OFFLINE_CARD_CAP,
            BUDGETS_OFFLINE_AFTER_SECONDS, BUDGETS_REBALANCE_IDLE_SECONDS, BUDGETS_ASK_TIMEOUT_MS);

    /** Keys whose value is a map (name -> value) rather than a single value or a list. */
    public static final Set<String> MAP_KEYS = Set.of(STORE_TAX_CLASSES);

    /** Keys whose value is a list (a YAML sequence, or comma-separated text in an override). */
    public static final Set<String> LIST_KEYS = Set.of(PEER_PEERS, HQ_IGNITE_ADDRESSES, BARCODES_PRICE_PREFIXES,
            BARCODES_WEIGHT_PREFIXES);

    private static final Set<String> KEYS = Set.copyOf(ALL);
    private static final Set<String> SECTIONS = sections();

    private ConfigKeys() {
    }

    /** True for a full key such as {@code http.port}. */
    public static boolean isKey(String key) {
        return KEYS.contains(key);
    }

    /** True for a leading part of some key, e.g. {@code http} or {@code store}. */
    public static boolean isSection(String prefix) {
        return SECTIONS.contains(prefix);
    }

    /** The keys under one section, for messages such as "http must be a map of http.port, ...". */
    public static List<String> keysIn(String section) {
        return ALL.stream().filter(k -> k.startsWith(section + ".")).toList();
    }

    private static Set<String> sections() {
        Set<String> s = new TreeSet<>();
        for (String key : ALL) {
            for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
                s.add(key.substring(0, dot));
            }
        }
        return Set.copyOf(s);
    }
}
