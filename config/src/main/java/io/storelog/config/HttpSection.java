package io.storelog.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The node's HTTP API: where it listens, the optional bearer token, and the largest request body it reads.
 *
 * @param port         listening port (http.port)
 * @param bind         address to listen on, loopback by default (http.bind)
 * @param apiToken     when set, every /api call except GET /api/status needs it (http.api-token)
 * @param maxBodyBytes larger request bodies are refused before they are read (http.max-body-bytes)
 */
public record HttpSection(int port, String bind, Optional<Secret> apiToken, int maxBodyBytes) {
    public HttpSection {
        Checks.listenPort(ConfigKeys.HTTP_PORT, port);
        if (!Checks.isHost(bind)) {
            throw ConfigException.badValue(ConfigKeys.HTTP_BIND, bind, "is not a host name or IP address");
        }
        Objects.requireNonNull(apiToken, "apiToken");
        Checks.range(ConfigKeys.HTTP_MAX_BODY_BYTES, maxBodyBytes, ConfigKeys.MIN_HTTP_MAX_BODY_BYTES, Integer.MAX_VALUE);
    }

    static HttpSection read(RawConfig raw) {
        long maxBody = raw.bytes(ConfigKeys.HTTP_MAX_BODY_BYTES, ConfigKeys.DEFAULT_HTTP_MAX_BODY_BYTES);
        Checks.range(ConfigKeys.HTTP_MAX_BODY_BYTES, maxBody, ConfigKeys.MIN_HTTP_MAX_BODY_BYTES, Integer.MAX_VALUE);
        return new HttpSection(
                raw.listenPort(ConfigKeys.HTTP_PORT, ConfigKeys.DEFAULT_HTTP_PORT),
                raw.text(ConfigKeys.HTTP_BIND, ConfigKeys.DEFAULT_HTTP_BIND).trim(),
                raw.secret(ConfigKeys.HTTP_API_TOKEN),
                (int) maxBody);
    }
}
