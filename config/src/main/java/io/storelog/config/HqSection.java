package io.storelog.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Headquarters: for a store node, where to upload and with which credential; for HQ itself, the stores it accepts.
 *
 * @param url        HQ's HTTP API, http or https (hq.url)
 * @param token      this store's credential at HQ (hq.token)
 * @param storesFile at HQ: CSV {@code store,token} of accepted stores (hq.stores-file)
 * @param igniteAddresses at HQ: thin-client addresses of an external Ignite cluster; empty means an
 *                   embedded Ignite node (hq.ignite-addresses)
 * @param ignitePort at HQ: discovery port of the embedded Ignite node, on loopback (hq.ignite-port)
 */
public record HqSection(Optional<URI> url, Optional<Secret> token, Optional<Path> storesFile,
                        List<HostPort> igniteAddresses, int ignitePort) {
    public HqSection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(storesFile, "storesFile");
        Checks.notNull(ConfigKeys.HQ_IGNITE_ADDRESSES, igniteAddresses);
        igniteAddresses = List.copyOf(igniteAddresses);
        Set<HostPort> seen = new HashSet<>();
        for (HostPort a : igniteAddresses) {
            if (!seen.add(a)) {
                throw ConfigException.badValue(ConfigKeys.HQ_IGNITE_ADDRESSES, a, "is listed twice");
            }
        }
        Checks.listenPort(ConfigKeys.HQ_IGNITE_PORT, ignitePort);
        url.ifPresent(u -> {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw ConfigException.badValue(ConfigKeys.HQ_URL, u, "is not an http:// or https:// URL");
            }
        });
    }

    /** True when HQ stores through the thin client of an external Ignite cluster rather than an embedded node. */
    public boolean externalIgnite() {
        return !igniteAddresses.isEmpty();
    }

    static HqSection read(RawConfig raw) {
        List<HostPort> ignite = raw.list(ConfigKeys.HQ_IGNITE_ADDRESSES).stream()
                .map(text -> HostPort.parse(ConfigKeys.HQ_IGNITE_ADDRESSES, text))
                .toList();
        return new HqSection(raw.httpUrl(ConfigKeys.HQ_URL), raw.secret(ConfigKeys.HQ_TOKEN),
                raw.existingFile(ConfigKeys.HQ_STORES_FILE), ignite,
                raw.listenPort(ConfigKeys.HQ_IGNITE_PORT, ConfigKeys.DEFAULT_HQ_IGNITE_PORT));
    }
}
