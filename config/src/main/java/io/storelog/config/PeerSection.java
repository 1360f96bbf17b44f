package io.storelog.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Store-LAN replication endpoints: the port this node accepts peers on and the peers it dials.
 *
 * @param port     port for peer connections (peer.port)
 * @param bind     address the peer port listens on (peer.bind)
 * @param peers    static list of peers to connect to (peer.peers)
 * @param tls      peer links over TLS, each node's certificate bound into the store-key proof (peer.tls)
 * @param tlsFiles a store CA: certificates are then also checked against it (peer.tls-ca, -cert, -key)
 */
public record PeerSection(int port, String bind, List<HostPort> peers, boolean tls, Optional<PeerTlsFiles> tlsFiles) {
    /** Peer links over TLS with a self-signed certificate per node (the default). */
    public PeerSection(int port, String bind, List<HostPort> peers) {
        this(port, bind, peers, ConfigKeys.DEFAULT_PEER_TLS, Optional.empty());
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
        Objects.requireNonNull(tlsFiles, "tlsFiles");
        if (tlsFiles.isPresent() && !tls) {
            throw ConfigException.invalid(ConfigKeys.PEER_TLS_CA, "is set but peer.tls is false; a store CA needs TLS");
        }
    }

    static PeerSection read(RawConfig raw) {
        List<HostPort> peers = raw.list(ConfigKeys.PEER_PEERS).stream()
                .map(text -> HostPort.parse(ConfigKeys.PEER_PEERS, text))
                .toList();
        Optional<Path> ca = raw.existingFile(ConfigKeys.PEER_TLS_CA);
        Optional<Path> cert = raw.existingFile(ConfigKeys.PEER_TLS_CERT);
        Optional<Path> key = raw.existingFile(ConfigKeys.PEER_TLS_KEY);
        Optional<PeerTlsFiles> files = Optional.empty();
        if (ca.isPresent() || cert.isPresent() || key.isPresent()) {
            // Half a CA set-up would either refuse every peer or quietly fall back to self-signed.
            String missing = ca.isEmpty() ? ConfigKeys.PEER_TLS_CA : cert.isEmpty() ? ConfigKeys.PEER_TLS_CERT
                    : key.isEmpty() ? ConfigKeys.PEER_TLS_KEY : null;
            if (missing != null) {
                throw ConfigException.invalid(missing, "is required when any of peer.tls-ca, peer.tls-cert, peer.tls-key is set");
            }
            files = Optional.of(new PeerTlsFiles(ca.get(), cert.get(), key.get()));
        }
        return new PeerSection(raw.listenPort(ConfigKeys.PEER_PORT, ConfigKeys.DEFAULT_PEER_PORT),
                raw.text(ConfigKeys.PEER_BIND, ConfigKeys.DEFAULT_PEER_BIND).trim(), peers,
                raw.bool(ConfigKeys.PEER_TLS, ConfigKeys.DEFAULT_PEER_TLS), files);
    }
}
