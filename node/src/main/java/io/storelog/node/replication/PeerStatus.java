package io.storelog.node.replication;

/** One peer as /api/status shows it. {@code id} is the node name once known, else the configured address. */
public record PeerStatus(String id, String address, String incarnation, String role, boolean connected, long lagEntries) {
}
