package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code storelog status}: who the node is, whether it can bill offline, its log, headquarters and peers. */
@Command(name = "status", description = "Show a node's status (GET /api/status).", mixinStandardHelpOptions = true)
public final class StatusCommand extends NodeQuery {
    @Override
    void run(NodeClient node, PrintWriter out) {
        JsonNode s = node.get("/api/status");
        if (json()) {
            printJson(out, s);
            return;
        }
        JsonNode hq = s.path("hq");
        JsonNode log = s.path("log");
        Table t = Table.keyValues()
                .row("node", Fields.text(s, "nodeId"))
                .row("store", Fields.text(s, "store"))
                .row("role", Fields.text(s, "role"))
                .row("incarnation", Fields.text(s, "incarnation"))
                .row("offline ready", Fields.yesNo(s, "offlineReady"))
                .row("leader", blankAsDash(Fields.text(s, "leader")))
                .row("hq reachable", Fields.yesNo(hq, "reachable") + (hq.path("configured").asBoolean(true) ? "" : " (no hq configured)"))
                .row("hq pending entries", Fields.text(hq, "pendingEntries"))
                .row("log entries", Fields.text(log, "entries"));
        Iterator<Map.Entry<String, JsonNode>> vv = log.path("versionVector").fields();
        if (!vv.hasNext()) {
            t.row("version vector", "(empty)");
        }
        for (String key = "version vector"; vv.hasNext(); key = "") {
            Map.Entry<String, JsonNode> e = vv.next();
            t.row(key, e.getKey() + " = " + e.getValue().asText());
        }
        t.row("peers", peerSummary(s.path("peers")));
        for (JsonNode alert : s.path("alerts")) {
            t.row("alert", Fields.text(alert, "message"));
        }
        t.print(out);
    }

    private static String peerSummary(JsonNode peers) {
        if (peers.isEmpty()) {
            return "none";
        }
        int connected = 0;
        long maxLag = 0;
        for (JsonNode p : peers) {
            if (p.path("connected").asBoolean()) {
                connected++;
            }
            maxLag = Math.max(maxLag, p.path("lagEntries").asLong());
        }
        return peers.size() + " (" + connected + " connected, most behind by " + maxLag + " entries)";
    }

    private static String blankAsDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
