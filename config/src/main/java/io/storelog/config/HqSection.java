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
 * @param tlsCert    at HQ: PEM certificate to serve HTTPS with (hq.tls-cert)
 * @param tlsKey     at HQ: PEM private key of that certificate (hq.tls-key)
 * @param tlsTrust   at a store: PEM certificate(s) the HQ certificate must chain to, or be (hq.tls-trust)
 * @param tlsPin     at a store: SHA-256 of HQ's certificate as 64 hex digits, lower case (hq.tls-pin)
 */
public record HqSection(Optional<URI> url, Optional<Secret> token, Optional<Path> storesFile,
                        List<HostPort> igniteAddresses, int ignitePort, Optional<Path> tlsCert, Optional<Path> tlsKey,
                        Optional<Path> tlsTrust, Optional<String> tlsPin) {
    /** Headquarters' settings without TLS files (plain http, or https trusted through the JVM's CAs). */
    public HqSection(Optional<URI> url, Optional<Secret> token, Optional<Path> storesFile, List<HostPort> igniteAddresses,
            int ignitePort) {
        this(url, token, storesFile, igniteAddresses, ignitePort, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

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
        Objects.requireNonNull(tlsCert, "tlsCert");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(tlsTrust, "tlsTrust");
        Objects.requireNonNull(tlsPin, "tlsPin");
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw ConfigException.invalid(tlsCert.isPresent() ? ConfigKeys.HQ_TLS_KEY : ConfigKeys.HQ_TLS_CERT,
                    "is required with " + (tlsCert.isPresent() ? ConfigKeys.HQ_TLS_CERT : ConfigKeys.HQ_TLS_KEY)
                            + ": HTTPS needs both the certificate and its key");
        }
        if (tlsTrust.isPresent() && tlsPin.isPresent()) {
            throw ConfigException.invalid(ConfigKeys.HQ_TLS_PIN, "and hq.tls-trust are both set; give one way to trust headquarters");
        }
        tlsPin.ifPresent(pin -> {
            if (!pin.matches("[0-9a-f]{64}")) {
                throw ConfigException.badValue(ConfigKeys.HQ_TLS_PIN, pin, "is not a SHA-256 fingerprint (64 hex digits)");
            }
        });
        if ((tlsTrust.isPresent() || tlsPin.isPresent())
                && !url.map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(false)) {
            throw ConfigException.invalid(tlsTrust.isPresent() ? ConfigKeys.HQ_TLS_TRUST : ConfigKeys.HQ_TLS_PIN,
                    "is set but hq.url is not an https:// URL, so it would never be used");
        }
    }

    /** True when headquarters serves HTTPS (hq.tls-cert and hq.tls-key set). */
    public boolean servesHttps() {
        return tlsCert.isPresent();
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
                raw.listenPort(ConfigKeys.HQ_IGNITE_PORT, ConfigKeys.DEFAULT_HQ_IGNITE_PORT),
                raw.existingFile(ConfigKeys.HQ_TLS_CERT), raw.existingFile(ConfigKeys.HQ_TLS_KEY),
                raw.existingFile(ConfigKeys.HQ_TLS_TRUST), raw.optionalText(ConfigKeys.HQ_TLS_PIN).map(HqSection::pin));
    }

    /** A fingerprint as people copy it: any case, bytes maybe separated by colons or spaces. */
    private static String pin(String text) {
        return text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
