package io.storelog.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML config file into dotted keys. Scalars are kept as the text written, not as YAML's
 * guess of a type, so "7.50" stays "7.50" and never passes through a double. Nested maps and dotted
 * names ({@code http: {port: 1}} or {@code http.port: 1}) both work; unknown and repeated keys are errors.
 */
final class ConfigFile {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final Path file;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private ConfigFile(Path file) {
        this.file = file;
    }

    /** Key -> String, List of String or Map of String; null for a key written with no value. */
    static Map<String, Object> read(Path file) {
        ConfigFile reader = new ConfigFile(file);
        reader.parse();
        return reader.values;
    }

    private void parse() {
        try {
            // Syntax first: a broken file should be reported as broken, not by the first odd shape before the break.
            String text = readUtf8();
            checkSyntax(text);
            walk(text);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "config file " + file + " not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(null, "config file " + file + " is not UTF-8 text", e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(null, "config file " + file + ": YAML syntax error" + syntaxProblem(e), e);
        } catch (IOException e) {
            throw new ConfigException(null, "config file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8: a Latin-1 file would otherwise turn "Käse" into replacement characters without a word. */
    private String readUtf8() throws IOException {
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // editors on Windows may add a byte order mark
    }

    private static void checkSyntax(String text) throws IOException {
        try (JsonParser p = YAML.createParser(text)) {
            while (p.nextToken() != null) {
                // reading every token is the check
            }
        }
    }

    private void walk(String text) throws IOException {
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return; // an empty file (or only comments) means all defaults
            }
            if (first != JsonToken.START_OBJECT) {
                throw problem("expected keys at the top level (e.g. node:), found " + describe(first, p));
            }
            readSection("", p);
            if (p.nextToken() != null) {
                throw problem("holds more than one YAML document");
            }
        }
    }

    /** Reads the entries of a map whose start token was just read; {@code prefix} is its dotted path. */
    private void readSection(String prefix, JsonParser p) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            JsonToken value = p.nextToken();
            if (ConfigKeys.isKey(key)) {
                if (values.containsKey(key)) {
                    throw new ConfigException(key, "config key " + key + " is set twice in " + file);
                }
                values.put(key, readValue(key, value, p));
            } else if (ConfigKeys.isSection(key)) {
                if (value != JsonToken.START_OBJECT) {
                    throw new ConfigException(key, "'" + key + "' in " + file + " must hold keys such as "
                            + String.join(", ", ConfigKeys.keysIn(key)) + "; found " + describe(value, p));
                }
                readSection(key, p);
            } else {
                throw new ConfigException(key, "unknown config key '" + key + "' in " + file + KeySuggestion.hint(key));
            }
        }
    }

    private Object readValue(String key, JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        if (t == JsonToken.START_ARRAY && ConfigKeys.LIST_KEYS.contains(key)) {
            List<String> items = new ArrayList<>();
            for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                if (!i.isScalarValue()) {
                    throw ConfigException.invalid(key, "list items must be single values, e.g. - 127.0.0.1:9081");
                }
                items.add(p.getText());
            }
            return items;
        }
        if (t == JsonToken.START_OBJECT && ConfigKeys.MAP_KEYS.contains(key)) {
            Map<String, String> map = new LinkedHashMap<>();
            for (JsonToken i = p.nextToken(); i != JsonToken.END_OBJECT; i = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!v.isScalarValue()) {
                    throw ConfigException.invalid(key, "'" + name + "' must be a single value");
                }
                if (map.put(name, v == JsonToken.VALUE_NULL ? "" : p.getText()) != null) {
                    throw ConfigException.invalid(key, "'" + name + "' is given twice");
                }
            }
            return map;
        }
        String expected = ConfigKeys.LIST_KEYS.contains(key) ? "a list" : ConfigKeys.MAP_KEYS.contains(key) ? "a map" : "a single value";
        throw ConfigException.invalid(key, "expects " + expected + ", found " + describe(t, p));
    }

    private ConfigException problem(String what) {
        return new ConfigException(null, "config file " + file + ": " + what);
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            return "a map";
        }
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        return t == JsonToken.VALUE_NULL ? "nothing" : "'" + p.getText() + "'";
    }

    /**
     * " at line 3: mapping values are not allowed here". SnakeYAML's own message spans several lines and
     * starts with its context ("while parsing a block mapping"); the problem and its mark are what a user needs.
     */
    private static String syntaxProblem(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
            Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
            String at = mark == null ? "" : " at line " + (mark.getLine() + 1);
            return at + ": " + firstLine(m.getProblem());
        }
        JsonLocation loc = e.getLocation();
        String at = loc == null || loc.getLineNr() < 1 ? "" : " at line " + loc.getLineNr();
        return at + ": " + firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable YAML";
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }
}
