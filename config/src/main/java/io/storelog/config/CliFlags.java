package io.storelog.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The launcher's {@code node} flags and the config key each one overrides (contract.md, "Launcher"). */
public final class CliFlags {
    /** Names the YAML file; it is not a key, since a file cannot name itself. */
    public static final String CONFIG = "--config";

    private static final Map<String, String> FLAGS = flags();

    private CliFlags() {
    }

    /** Flag -> key, in the order the contract lists them. */
    public static Map<String, String> all() {
        return FLAGS;
    }

    /** The key a flag sets, e.g. "--http" -> "http.port". */
    public static Optional<String> keyFor(String flag) {
        return Optional.ofNullable(FLAGS.get(flag));
    }

    /** The flag that sets a key, if any, e.g. "http.port" -> "--http". */
    public static Optional<String> flagFor(String key) {
        return FLAGS.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).findFirst();
    }

    /**
     * Splits {@code --flag value} and {@code --flag=value} arguments into the config file and key overrides.
     * An unknown flag, a flag without a value, a repeated flag or a stray word is a {@link ConfigException}.
     */
    public static Parsed parse(List<String> args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new ConfigException(null, "unexpected argument '" + arg + "' (flags look like --http 8081)");
            }
            int eq = arg.indexOf('=');
            String flag = eq > 0 ? arg.substring(0, eq) : arg;
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException(keyFor(flag).orElse(null), "flag " + flag + " needs a value");
            }
            if (flag.equals(CONFIG)) {
                if (file != null) {
                    throw new ConfigException(null, "flag --config is given twice");
                }
                file = configPath(value);
                continue;
            }
            String key = keyFor(flag).orElseThrow(
                    () -> new ConfigException(null, "unknown flag '" + flag + "'" + KeySuggestion.hint(flag)));
            if (overrides.put(key, value) != null) {
                throw new ConfigException(key, "flag " + flag + " is given twice");
            }
        }
        return new Parsed(Optional.ofNullable(file), overrides);
    }

    private static Path configPath(String value) {
        try {
            if (value.isBlank()) {
                throw new InvalidPathException(value, "empty");
            }
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(null, "flag --config: '" + value + "' is not a valid path");
        }
    }

    private static Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--role", ConfigKeys.NODE_ROLE);
        m.put("--id", ConfigKeys.NODE_ID);
        m.put("--store", ConfigKeys.STORE_ID);
        m.put("--data", ConfigKeys.DATA_DIR);
        m.put("--http", ConfigKeys.HTTP_PORT);
        m.put("--peer-port", ConfigKeys.PEER_PORT);
        m.put("--peer-bind", ConfigKeys.PEER_BIND);
        m.put("--peers", ConfigKeys.PEER_PEERS);
        m.put("--hq", ConfigKeys.HQ_URL);
        m.put("--catalog", ConfigKeys.CATALOG_FILE);
        m.put("--store-key", ConfigKeys.STORE_KEY);
        m.put("--hq-token", ConfigKeys.HQ_TOKEN);
        m.put("--api-token", ConfigKeys.HTTP_API_TOKEN);
        m.put("--http-bind", ConfigKeys.HTTP_BIND);
        m.put("--time-zone", ConfigKeys.STORE_TIME_ZONE);
        m.put("--stores", ConfigKeys.HQ_STORES_FILE);
        m.put("--ignite-addresses", ConfigKeys.HQ_IGNITE_ADDRESSES);
        m.put("--staff", ConfigKeys.STAFF_BOOTSTRAP_FILE);
        m.put("--hq-tls-cert", ConfigKeys.HQ_TLS_CERT);
        m.put("--hq-tls-key", ConfigKeys.HQ_TLS_KEY);
        m.put("--hq-tls-trust", ConfigKeys.HQ_TLS_TRUST);
        m.put("--hq-tls-pin", ConfigKeys.HQ_TLS_PIN);
        m.put("--peer-tls", ConfigKeys.PEER_TLS);
        m.put("--peer-tls-ca", ConfigKeys.PEER_TLS_CA);
        m.put("--peer-tls-cert", ConfigKeys.PEER_TLS_CERT);
        m.put("--peer-tls-key", ConfigKeys.PEER_TLS_KEY);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The result of {@link #parse}: the file named by --config, if any, and the flag values by key.
     *
     * @param configFile the --config file
     * @param overrides  key -> value, to pass to {@link ConfigLoader#load(Optional, Map)}
     */
    public record Parsed(Optional<Path> configFile, Map<String, String> overrides) {
        public Parsed {
            Objects.requireNonNull(configFile, "configFile");
            overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        }
    }
}
