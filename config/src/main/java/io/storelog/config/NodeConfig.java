package io.storelog.config;

import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated configuration of one node, split by component. Immutable; built by
 * {@link ConfigLoader}, which checks each value and then, here, the combinations of values.
 */
public record NodeConfig(NodeSection node, StoreSection store, HttpSection http, PeerSection peer,
                         HqSection hq, LogSection log, ReplicationSection replication, StaffSection staff,
                         BarcodeSection barcodes, CurrencySection currency,
                         ClockSection clock, BudgetSection budgets) {
    public NodeConfig {
        Checks.notNull("node", node);
        Checks.notNull("store", store);
        Checks.notNull("http", http);
        Checks.notNull("peer", peer);
        Checks.notNull("hq", hq);
        Checks.notNull("log", log);
        Checks.notNull("replication", replication);
        Checks.notNull("staff", staff);
        Checks.notNull("barcodes", barcodes);
        Checks.notNull("currency", currency);
        Checks.notNull("clock", clock);
        Checks.notNull("budgets", budgets);
        checkCombinations(node.role(), store, http, peer, hq);
    }

    /** The defaults for a role, as a node started with only {@code --role} gets them. */
    public static NodeConfig defaults(Role role) {
        return ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.NODE_ROLE, role.text()));
    }

    /** Shorthand for {@code node().role()}. */
    public Role role() {
        return node.role();
    }

    private static void checkCombinations(Role role, StoreSection store, HttpSection http, PeerSection peer, HqSection hq) {
        if (role == Role.HQ) {
            // Headquarters receives uploads; an hq.url here most likely means a store node lost its --role.
            if (hq.url().isPresent()) {
                throw ConfigException.invalid(ConfigKeys.HQ_URL, "is for store nodes; role hq does not upload anywhere");
            }
            if (hq.token().isPresent()) {
                throw ConfigException.invalid(ConfigKeys.HQ_TOKEN, "is for store nodes; role hq reads tokens from hq.stores-file");
            }
            return;
        }
        if (hq.servesHttps()) {
            throw ConfigException.invalid(ConfigKeys.HQ_TLS_CERT, "is read only by role hq, but node.role is " + role.text());
        }
        if (hq.storesFile().isPresent()) {
            throw ConfigException.invalid(ConfigKeys.HQ_STORES_FILE, "is read only by role hq, but node.role is " + role.text());
        }
        if (hq.externalIgnite()) {
            throw ConfigException.invalid(ConfigKeys.HQ_IGNITE_ADDRESSES, "is read only by role hq, but node.role is " + role.text());
        }
        if (hq.token().isPresent() && hq.url().isEmpty()) {
            throw ConfigException.invalid(ConfigKeys.HQ_TOKEN, "is set but hq.url is not, so it would never be used");
        }
        if (!peer.peers().isEmpty() && store.key().isEmpty()) {
            // Without the key no handshake can prove this node belongs to the store.
            throw ConfigException.invalid(ConfigKeys.STORE_KEY, "is required when peer.peers is set");
        }
        if (http.port() != 0 && http.port() == peer.port()) {
            throw ConfigException.invalid(ConfigKeys.PEER_PORT,
                    "'" + peer.port() + "' is also http.port; the HTTP API and peer links need different ports");
        }
    }
}
