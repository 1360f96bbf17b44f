package io.storelog.node.replication;

/** Who is at the other end of a link, as its verified Hello said. */
record PeerIdentity(String node, String incarnation, String role, boolean theyDialled) {
}
