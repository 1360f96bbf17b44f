package io.storelog.node.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.StoreNode;
import io.storelog.node.leader.LeaderService;
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
        // Amounts in the API are minor units of this currency; a client needs it to show them as money.
        o.put("currency", node.config().store().currency().getCurrencyCode());
        o.put("ready", node.ready());
        // Safe to bill offline: recovery done, log writable, and a catalog to price from.
        o.put("offlineReady", node.ready() && node.state().catalogSize() > 0);
        LeaderService.HqStatus hqStatus = node.leader().status();
        o.put("leader", node.leader().leader());
        com.fasterxml.jackson.databind.node.ArrayNode peers = o.putArray("peers");
        node.replicator().ifPresent(r -> r.peers().forEach(p -> {
            ObjectNode peer = peers.addObject().put("id", p.id()).put("address", p.address())
                    .put("incarnation", p.incarnation()).put("role", p.role()).put("connected", p.connected())
                    .put("lagEntries", p.lagEntries());
            // Who that peer sees as leader (from its gossip): two answers here mean a split view of the store.
            String theirs = hqStatus.leaderViews().get(p.id());
            if (theirs != null && p.connected()) {
                peer.put("leader", theirs);
            }
        }));
        ObjectNode log = o.putObject("log");
        log.put("entries", node.log().entries());
        ObjectNode v = log.putObject("versionVector");
        vv.asMap().forEach(v::put);
        ObjectNode hq = o.putObject("hq");
        hq.put("reachable", hqStatus.reachable());
        // Entries held here that headquarters has not confirmed (soft state gossiped by the leader).
        hq.put("pendingEntries", hqStatus.pendingEntries());
        hq.put("configured", hqStatus.configured());
        hq.put("uploading", hqStatus.uploading());
        if (hqStatus.lastContactMsAgo() >= 0) {
            hq.put("lastContactMsAgo", hqStatus.lastContactMsAgo());
        } else {
            hq.putNull("lastContactMsAgo");
        }
        if (hqStatus.lastError() != null) {
            hq.put("lastError", hqStatus.lastError());
        }
        ObjectNode confirmed = hq.putObject("confirmed");
        hqStatus.confirmed().asMap().forEach(confirmed::put);
        // "HQ holds every bill of this lane up to #N", per till name.
        com.fasterxml.jackson.databind.node.ArrayNode lanes = hq.putArray("lanes");
        hqStatus.lanes().forEach((till, n) -> {
            long last = node.state().maxBillNumber(till);
            if (last > 0) {
                lanes.addObject().put("till", till).put("confirmedBill", n).put("lastBill", last);
            }
        });
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
        rec.put("snapshotIndex", node.log().snapshotIndex());
        rec.put("replayedEntries", node.log().replayedOnOpen());
        return o;
    }
}
