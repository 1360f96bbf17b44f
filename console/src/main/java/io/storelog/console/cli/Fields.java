package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.units.Decimals;
import java.util.Currency;

/** Reading the API's JSON for tables: absent fields print as "-", money as decimals of the store currency. */
final class Fields {
    private Fields() {
    }

    /** A field as text; null when absent or JSON null. */
    static String text(JsonNode obj, String field) {
        JsonNode n = obj == null ? null : obj.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    /** A boolean field as yes/no. */
    static String yesNo(JsonNode obj, String field) {
        JsonNode n = obj == null ? null : obj.get(field);
        return n == null || n.isNull() ? null : n.asBoolean() ? "yes" : "no";
    }

    /** A whole number field; 0 when absent. */
    static long number(JsonNode obj, String field) {
        JsonNode n = obj == null ? null : obj.get(field);
        return n == null || n.isNull() ? 0 : n.asLong();
    }

    /** Minor units shown as money: the digits after the point follow the currency (two for EUR, none for JPY). */
    record Money(int exponent) {
        /** For a currency code such as EUR; an unknown or missing code shows the minor units as they are. */
        static Money of(String currencyCode) {
            if (currencyCode == null) {
                return new Money(0);
            }
            try {
                return new Money(Math.max(0, Currency.getInstance(currencyCode).getDefaultFractionDigits()));
            } catch (IllegalArgumentException e) {
                return new Money(0);
            }
        }

        /** For the store currency the node reports in {@code GET /api/status}. */
        static Money ofNode(NodeClient node) {
            return of(text(node.get("/api/status"), "currency"));
        }

        /** An amount in minor units as money text. */
        String format(long minor) {
            return Decimals.formatMinor(minor, exponent);
        }

        /** A money field of a JSON object. */
        String field(JsonNode obj, String name) {
            JsonNode n = obj == null ? null : obj.get(name);
            return n == null || n.isNull() ? null : format(n.asLong());
        }
    }
}
