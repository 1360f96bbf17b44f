package io.storelog.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Headquarters: for a store node, where to upload and with which credential; for HQ itself, the stores it accepts.
 *
 * @param url        HQ's HTTP API, http or https (hq.url)
 * @param token      this store's credential at HQ (hq.token)
 * @param storesFile at HQ: CSV {@code store,token} of accepted stores (hq.stores-file)
 */
public record HqSection(Optional<URI> url, Optional<Secret> token, Optional<Path> storesFile) {
    public HqSection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(storesFile, "storesFile");
        url.ifPresent(u -> {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw ConfigException.badValue(ConfigKeys.HQ_URL, u, "is not an http:// or https:// URL");
            }
        });
    }

    static HqSection read(RawConfig raw) {
        return new HqSection(raw.httpUrl(ConfigKeys.HQ_URL), raw.secret(ConfigKeys.HQ_TOKEN),
                raw.existingFile(ConfigKeys.HQ_STORES_FILE));
    }
}
