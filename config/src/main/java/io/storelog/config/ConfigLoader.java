package io.storelog.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds a {@link NodeConfig} from an optional YAML file plus key overrides (the command-line flags), which win. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads and validates; relative paths are taken from the working directory.
     *
     * @param file      the YAML file, or empty to run on defaults and overrides alone
     * @param overrides dotted key -> text, e.g. {@code "http.port" -> "8081"}; a null value is ignored
     * @throws ConfigException the first problem, as a one-line message naming the key
     */
    public static NodeConfig load(Optional<Path> file, Map<String, String> overrides) {
        return load(file, overrides, Path.of(""));
    }

    /** As {@link #load(Optional, Map)}, resolving relative paths (data.dir, catalog.file, ...) against {@code baseDir}. */
    public static NodeConfig load(Optional<Path> file, Map<String, String> overrides, Path baseDir) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(baseDir, "baseDir");
        Map<String, Object> values = new LinkedHashMap<>();
        file.ifPresent(f -> values.putAll(ConfigFile.read(f)));
        overrides.forEach((key, value) -> {
            if (!ConfigKeys.isKey(key)) {
                throw new ConfigException(key, "unknown config key '" + key + "' in overrides" + KeySuggestion.hint(key));
            }
            if (value != null) {
                values.put(key, value);
            }
        });
        return build(new RawConfig(values, baseDir));
    }

    /** Parses launcher arguments ({@code --config FILE --http 8081 ...}) and loads them. */
    public static NodeConfig fromArgs(List<String> args) {
        CliFlags.Parsed parsed = CliFlags.parse(args);
        return load(parsed.configFile(), parsed.overrides());
    }

    private static NodeConfig build(RawConfig raw) {
        StoreSection store = StoreSection.read(raw);
        return new NodeConfig(
                NodeSection.read(raw),
                store,
                HttpSection.read(raw),
                PeerSection.read(raw),
                HqSection.read(raw),
                LogSection.read(raw),
                ReplicationSection.read(raw),
                StaffSection.read(raw),
                BarcodeSection.read(raw, store.currencyExponent()),
                CurrencySection.read(raw),
                ClockSection.read(raw),
                BudgetSection.read(raw));
    }
}
