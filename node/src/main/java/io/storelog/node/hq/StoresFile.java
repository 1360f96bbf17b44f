package io.storelog.node.hq;

import io.storelog.config.ConfigException;
import io.storelog.config.ConfigKeys;
import io.storelog.config.Secret;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The stores headquarters accepts and each one's upload token: a CSV file {@code store,token}, one store a
 * line, an optional header row, blank lines and {@code #} comments allowed. A token names its store, so
 * two stores sharing one token is an error: either could then write the other's entries.
 */
public final class StoresFile {
    private final SortedMap<String, Secret> tokens;

    private StoresFile(SortedMap<String, Secret> tokens) {
        this.tokens = Collections.unmodifiableSortedMap(tokens);
    }

    /** Stores given in code (tests, demo): store -> token. */
    public static StoresFile of(Map<String, String> storeTokens) {
        SortedMap<String, Secret> m = new TreeMap<>();
        storeTokens.forEach((store, token) -> m.put(Codec.checkStore(store), new Secret(token)));
        return new StoresFile(m);
    }

    /** Reads the file; a problem is a {@link ConfigException} naming the file and line. */
    public static StoresFile read(Path file) {
        String text = text(file);
        SortedMap<String, Secret> tokens = new TreeMap<>();
        Map<String, Integer> storeLines = new LinkedHashMap<>();
        Map<String, Integer> tokenLines = new LinkedHashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (first && line.replace(" ", "").equalsIgnoreCase("store,token")) {
                first = false;
                continue;
            }
            first = false;
            String[] parts = line.split(",", -1);
            if (parts.length != 2) {
                throw fail(file, lineNo, "has " + parts.length + " values; expected store,token");
            }
            String store = parts[0].strip();
            String token = parts[1].strip();
            if (!Codec.STORE_ID.matcher(store).matches()) {
                throw fail(file, lineNo, store.isEmpty() ? "store is empty"
                        : "store '" + store + "' is not a store id (letters, digits, '.', '_', '-'; at most 64)");
            }
            if (token.isEmpty()) {
                throw fail(file, lineNo, "token of store " + store + " is empty");
            }
            Integer earlier = storeLines.putIfAbsent(store, lineNo);
            if (earlier != null) {
                throw fail(file, lineNo, "store " + store + " is already listed on line " + earlier);
            }
            earlier = tokenLines.putIfAbsent(token, lineNo);
            if (earlier != null) {
                throw fail(file, lineNo, "store " + store + " has the same token as the store on line " + earlier
                        + "; each store needs its own");
            }
            tokens.put(store, new Secret(token));
        }
        if (tokens.isEmpty()) {
            throw new ConfigException(ConfigKeys.HQ_STORES_FILE,
                    "config key " + ConfigKeys.HQ_STORES_FILE + ": " + file + " lists no store (CSV store,token)");
        }
        return new StoresFile(tokens);
    }

    private static String text(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(ConfigKeys.HQ_STORES_FILE, "config key " + ConfigKeys.HQ_STORES_FILE + ": "
                    + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(ConfigKeys.HQ_STORES_FILE, "config key " + ConfigKeys.HQ_STORES_FILE + ": "
                    + file + " cannot be read: " + e.getMessage());
        }
        try {
            String t = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return t.startsWith("\uFEFF") ? t.substring(1) : t;
        } catch (CharacterCodingException e) {
            throw new ConfigException(ConfigKeys.HQ_STORES_FILE, "config key " + ConfigKeys.HQ_STORES_FILE + ": "
                    + file + " is not UTF-8 text");
        }
    }

    private static ConfigException fail(Path file, int line, String problem) {
        // Never quote a token: the message goes to the console and logs.
        return new ConfigException(ConfigKeys.HQ_STORES_FILE,
                "config key " + ConfigKeys.HQ_STORES_FILE + ": " + file + " line " + line + ": " + problem);
    }

    /** The accepted stores, sorted. */
    public java.util.SortedSet<String> stores() {
        return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(tokens.keySet()));
    }

    /** Whether {@code store} is accepted. */
    public boolean accepts(String store) {
        return tokens.containsKey(store);
    }

    /**
     * The store a presented token belongs to. Every store's token is compared, each in constant time, so
     * the answer time does not tell a caller how close a guess came or which store it nearly matched.
     */
    public Optional<String> storeOf(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String found = null;
        for (Map.Entry<String, Secret> e : tokens.entrySet()) {
            if (e.getValue().matches(token) && found == null) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }
}
