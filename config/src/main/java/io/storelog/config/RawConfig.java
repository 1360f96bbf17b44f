package io.storelog.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merged, still untyped values of one load (file first, overrides on top) with typed readers.
 * A value is a String, a List of Strings (YAML sequence) or a Map of Strings (YAML mapping); an override
 * is always a String, so list and map readers also split comma-separated text.
 */
final class RawConfig {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})\\s*(|KiB|MiB|GiB)");

    private final Map<String, Object> values;
    private final Path baseDir;

    RawConfig(Map<String, Object> values, Path baseDir) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.baseDir = baseDir;
    }

    /** A single value as written, or empty when the key is absent or null ({@code key:} with nothing after it). */
    Optional<String> text(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw ConfigException.invalid(key, "expects a single value, not a " + (v instanceof List ? "list" : "map"));
    }

    /** Whether the key was given at all (an empty list counts: it says "none"). */
    /** A true/false value ("yes"/"no" too); anything else is an error naming the key. */
    boolean bool(String key, boolean def) {
        String t = text(key, String.valueOf(def)).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw ConfigException.badValue(key, t, "is not true or false");
        };
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    String text(String key, String def) {
        return text(key).orElse(def);
    }

    /** For optional keys a blank value means "not set", so a script can pass an empty flag for "none". */
    Optional<String> optionalText(String key) {
        return text(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    Optional<Secret> secret(String key) {
        return optionalText(key).map(Secret::new);
    }

    int listenPort(String key, int def) {
        return text(key).map(t -> Checks.parseListenPort(key, t)).orElse(def);
    }

    int port(String key, int def) {
        return text(key).map(t -> Checks.parsePort(key, t, t)).orElse(def);
    }

    long integer(String key, long def) {
        Optional<String> t = text(key);
        if (t.isEmpty()) {
            return def;
        }
        try {
            return Long.parseLong(t.get().trim());
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(key, t.get(), "is not a whole number");
        }
    }

    /** A byte count: plain digits or with a binary suffix (KiB, MiB, GiB), e.g. "64MiB". */
    long bytes(String key, long def) {
        Optional<String> t = text(key);
        if (t.isEmpty()) {
            return def;
        }
        Matcher m = SIZE.matcher(t.get().trim());
        if (!m.matches()) {
            throw ConfigException.badValue(key, t.get(), "is not a size in bytes (e.g. 67108864 or 64MiB)");
        }
        int shift = switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(key, t.get(), "is out of range");
        }
    }

    /** A path; relative paths are taken from the base directory (the working directory unless a caller says). */
    Optional<Path> path(String key) {
        Optional<String> t = optionalText(key);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(baseDir.resolve(t.get()).normalize());
        } catch (InvalidPathException e) {
            throw ConfigException.badValue(key, t.get(), "is not a valid path");
        }
    }

    /** A path that must name an existing readable file, checked now so a typo fails at start, not mid-shift. */
    Optional<Path> existingFile(String key) {
        Optional<Path> p = path(key);
        p.ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                throw ConfigException.badValue(key, file, Files.exists(file) ? "is not a regular file" : "does not exist");
            }
            if (!Files.isReadable(file)) {
                throw ConfigException.badValue(key, file, "is not readable");
            }
        });
        return p;
    }

    /** The base directory against which relative defaults are resolved too. */
    Path resolve(String relative) {
        return baseDir.resolve(relative).normalize();
    }

    Optional<URI> httpUrl(String key) {
        Optional<String> t = optionalText(key);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(t.get());
        } catch (URISyntaxException e) {
            throw ConfigException.badValue(key, t.get(), "is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ConfigException.badValue(key, t.get(), "is not an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw ConfigException.badValue(key, t.get(), "has no host (e.g. http://hq.example:8090)");
        }
        return Optional.of(uri);
    }

    /** A list: a YAML sequence, or comma-separated text from an override; empty items are dropped. */
    List<String> list(String key) {
        Object v = values.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            for (String item : s.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        } else if (v instanceof List<?> items) {
            for (Object item : items) {
                out.add(String.valueOf(item).trim());
            }
        } else if (v != null) {
            throw ConfigException.invalid(key, "expects a list, not a map");
        }
        return out;
    }

    /** A map: a YAML mapping, or "name=value,name=value" text from an override; empty when absent. */
    Optional<Map<String, String>> map(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : String.valueOf(val)));
        } else if (v instanceof String s) {
            for (String item : s.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw ConfigException.badValue(key, item.trim(), "is not name=value (e.g. standard=20,reduced=5)");
                }
                String name = item.substring(0, eq).trim();
                if (out.put(name, item.substring(eq + 1).trim()) != null) {
                    throw ConfigException.invalid(key, "'" + name + "' is given twice");
                }
            }
        } else {
            throw ConfigException.invalid(key, "expects a map of name: value, not a list");
        }
        return Optional.of(out);
    }
}
