package io.storelog.node.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;

/** The body of GET /api/status, per the contract. */
final class StatusView {
    private StatusView() {
    }

    static ObjectNode render(StoreNode node) {
        VersionVector vv = node.log().versionVector();
        ObjectNode o = Json.object();
        o.put("nodeId", node.config().node().id());
        o.put("incarnation", node.log().origin());
        o.put("store", node.config().store().id());
        o.put("role", node.config().role().text());
        o.put("ready", node.ready());
        // Safe to bill offline: recovery done, log writable, and a catalog to price from.
        o.put("offlineReady", node.ready() && node.state().catalogSize() > 0);
        // Leadership among peers arrives with replication; a lone node has no leader to name yet.
        o.putNull("leader");
        com.fasterxml.jackson.databind.node.ArrayNode peers = o.putArray("peers");
        node.replicator().ifPresent(r -> r.peers().forEach(p -> peers.addObject().put("id", p.id()).put("address", p.address())
                .put("incarnation", p.incarnation()).put("role", p.role()).put("connected", p.connected())
                .put("lagEntries", p.lagEntries())));
        ObjectNode log = o.putObject("log");
        log.put("entries", node.log().entries());
        ObjectNode v = log.putObject("versionVector");
        vv.asMap().forEach(v::put);
        ObjectNode hq = o.putObject("hq");
        hq.put("reachable", false);
        // Nothing is confirmed by headquarters until uploads exist, so every entry is pending.
        hq.put("pendingEntries", vv.total());
        ObjectNode catalog = o.putObject("catalog");
        catalog.put("products", node.state().catalogSize());
        catalog.put("version", node.state().catalogVersion());
        com.fasterxml.jackson.databind.node.ArrayNode alerts = o.putArray("alerts");
        new java.util.TreeMap<>(node.state().frozenOrigins()).forEach((origin, seq) -> alerts.addObject().put("kind", "conflict")
                .put("origin", origin).put("seq", seq)
                .put("message", "two different entries under " + origin + ":" + seq + "; origin frozen there"));
        if (node.log().driftAlerts() > 0) {
            alerts.addObject().put("kind", "clock-drift").put("count", node.log().driftAlerts())
                    .put("message", "peers sent clock stamps too far ahead of this node's clock");
        }
        ObjectNode rec = o.putObject("recovery");
        rec.put("truncatedBytes", node.recovery().truncatedBytes());
        return o;
    }
}
