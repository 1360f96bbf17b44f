package io.storelog.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Store-LAN replication endpoints: the port this node accepts peers on and the peers it dials.
 *
 * @param port  port for peer connections (peer.port)
 * @param bind  address the peer port listens on (peer.bind)
 * @param peers static list of peers to connect to (peer.peers)
 * @param tls   peer links over TLS, each node's certificate bound into the store-key proof (peer.tls)
 */
public record PeerSection(int port, String bind, List<HostPort> peers, boolean tls) {
    /** Plain peer links. */
    public PeerSection(int port, String bind, List<HostPort> peers) {
        this(port, bind, peers, false);
    }

    public PeerSection {
        Checks.listenPort(ConfigKeys.PEER_PORT, port);
        Checks.notNull(ConfigKeys.PEER_BIND, bind);
        if (!Checks.isHost(bind)) {
            throw ConfigException.badValue(ConfigKeys.PEER_BIND, bind, "is not a host name or address");
        }
        Checks.notNull(ConfigKeys.PEER_PEERS, peers);
        peers = List.copyOf(peers);
        Set<HostPort> seen = new HashSet<>();
        for (HostPort p : peers) {
            // A peer listed twice would get two connections and double every batch sent to it.
            if (!seen.add(p)) {
                throw ConfigException.badValue(ConfigKeys.PEER_PEERS, p, "is listed twice");
            }
        }
    }

    static PeerSection read(RawConfig raw) {
        List<HostPort> peers = raw.list(ConfigKeys.PEER_PEERS).stream()
                .map(text -> HostPort.parse(ConfigKeys.PEER_PEERS, text))
                .toList();
        return new PeerSection(raw.listenPort(ConfigKeys.PEER_PORT, ConfigKeys.DEFAULT_PEER_PORT),
                raw.text(ConfigKeys.PEER_BIND, ConfigKeys.DEFAULT_PEER_BIND).trim(), peers, raw.bool(ConfigKeys.PEER_TLS, false));
    }
}
