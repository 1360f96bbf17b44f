package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code storelog peers}: one row per peer the node knows, from {@code GET /api/status}. */
@Command(name = "peers", description = "List a node's peers and how far behind each is.", mixinStandardHelpOptions = true)
public final class PeersCommand extends NodeQuery {
    @Override
    void run(NodeClient node, PrintWriter out) {
        JsonNode peers = node.get("/api/status").path("peers");
        if (json()) {
            printJson(out, peers);
            return;
        }
        if (peers.isEmpty()) {
            out.println("no peers");
            return;
        }
        Table t = Table.of("id", "connected", "lagEntries", "role", "address", "leader", "incarnation");
        for (JsonNode p : peers) {
            t.row(Fields.text(p, "id"), Fields.yesNo(p, "connected"), Fields.text(p, "lagEntries"), Fields.text(p, "role"),
                    Fields.text(p, "address"), Fields.text(p, "leader"), Fields.text(p, "incarnation"));
        }
        t.print(out);
    }
}
