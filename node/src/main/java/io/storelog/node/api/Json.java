package io.storelog.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.units.Decimals;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * JSON reading and writing. Numbers with a fraction are read as BigDecimal, never double, so a
 * quantity such as 0.755 is exact; helpers turn missing or mistyped fields into errors naming them.
 */
public final class Json {
    /** The shared mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(40).build());
    }

    private Json() {
    }

    /** A new JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body that must be a JSON object. */
    public static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw bad("request body is empty; a JSON object is expected");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw bad("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw bad("request body must be a JSON object");
        }
        return node;
    }

    /** Serialises a value. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }

    /** A required string field. */
    public static String text(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw bad(where + field + " is required");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw bad(where + field + " must be a non-empty string");
        }
        return n.asText();
    }

    /** An optional string field. */
    public static String optText(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw bad(where + field + " must be a string");
        }
        return n.asText();
    }

    /** A required integer field (minor units, counts). */
    public static long integer(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw bad(where + field + " is required");
        }
        return asInteger(n, where + field);
    }

    /** An optional integer field. */
    public static Long optInteger(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        return n == null || n.isNull() ? null : asInteger(n, where + field);
    }

    /** A required quantity with at most three decimals, as thousandths. */
    public static long quantityMilli(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw bad(where + field + " is required");
        }
        BigDecimal value;
        if (n.isNumber()) {
            value = n.decimalValue();
        } else if (n.isTextual()) {
            try {
                value = new BigDecimal(n.asText().trim());
            } catch (NumberFormatException e) {
                throw bad(where + field + " '" + n.asText() + "' is not a number");
            }
        } else {
            throw bad(where + field + " must be a number");
        }
        // Refuse absurd sizes before converting: the converter's message quotes the value in plain
        // digits, and 1e999999999 in plain digits is a billion characters (out of memory, no answer).
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > Decimals.QTY_SCALE) {
            throw bad(where + field + " " + shortText(value) + " has more than " + Decimals.QTY_SCALE + " decimal places");
        }
        if (stripped.precision() - stripped.scale() > 19) {
            throw bad(where + field + " " + shortText(value) + " is out of range");
        }
        try {
            return Decimals.toMilli(value);
        } catch (NumberFormatException e) {
            throw bad(where + field + ": " + e.getMessage());
        }
    }

    /** Thousandths rendered as an exact JSON number. */
    public static BigDecimal qty(long milli) {
        return Decimals.milliToDecimal(milli);
    }

    private static long asInteger(JsonNode n, String name) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad(name + " must be an integer (minor units)");
        }
        return n.longValue();
    }

    /** A number as short text for a message: scientific notation once it would be long in plain digits. */
    private static String shortText(BigDecimal value) {
        String plain = value.abs().compareTo(BigDecimal.ONE.movePointRight(30)) < 0 && value.scale() <= 30
                ? value.toPlainString() : value.toString();
        return plain.length() <= 40 ? plain : plain.substring(0, 37) + "...";
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
