package io.storelog.node.staff;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.StaffRole;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a staff bootstrap file: CSV with a header holding {@code id,name,role} and either {@code pin}
 * or {@code salt,hash,iterations} (hex, as {@code bin/storelog staff-hash} prints them), plus optional
 * {@code active} (true/false, default true) and {@code version} (default 0). Each problem names the
 * file and line, never a PIN.
 */
public final class StaffFile {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true).get();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private StaffFile() {
    }

    /** Every row of {@code file}, checked. */
    public static List<StaffRow> read(Path file) {
        String where = file.getFileName().toString();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = FORMAT.parse(in)) {
            Map<String, Integer> header = csv.getHeaderMap();
            for (String required : List.of("id", "name", "role")) {
                if (!header.containsKey(required)) {
                    throw bad(where + ": the header has no '" + required + "' column");
                }
            }
            boolean plain = header.containsKey("pin");
            boolean hashed = header.containsKey("salt") && header.containsKey("hash") && header.containsKey("iterations");
            if (plain == hashed) {
                throw bad(where + ": the header needs either a 'pin' column or 'salt', 'hash' and 'iterations' columns");
            }
            List<StaffRow> rows = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (CSVRecord r : csv) {
                int line = (int) r.getRecordNumber() + 1;
                String at = where + " line " + line + ": ";
                String id = r.get("id");
                if (!ID.matcher(id).matches()) {
                    throw bad(at + "id '" + id + "' is not a staff id (letters, digits, '.', '_', '-')");
                }
                if (!ids.add(id)) {
                    throw bad(at + "id '" + id + "' is listed twice");
                }
                String name = r.get("name");
                if (name.isEmpty()) {
                    throw bad(at + "name is empty");
                }
                StaffRole role = role(r.get("role"), at);
                boolean active = !header.containsKey("active") || bool(r.get("active"), at);
                long version = header.containsKey("version") ? version(r.get("version"), at) : 0;
                if (plain) {
                    String pin = r.get("pin");
                    if (!PinHasher.PIN.matcher(pin).matches()) {
                        throw bad(at + "the PIN of " + id + " must be 4 to 12 digits");
                    }
                    rows.add(new StaffRow(line, id, name, role, pin, null, null, 0, active, version));
                } else {
                    rows.add(new StaffRow(line, id, name, role, null, hex(r.get("salt"), at + "salt"),
                            hex(r.get("hash"), at + "hash"), iterations(r.get("iterations"), at), active, version));
                }
            }
            return rows;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw bad(where + ": cannot read staff file: " + e.getMessage());
        }
    }

    private static StaffRole role(String text, String at) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "cashier" -> StaffRole.CASHIER;
            case "supervisor" -> StaffRole.SUPERVISOR;
            case "manager" -> StaffRole.MANAGER;
            default -> throw bad(at + "role '" + text + "' is not cashier, supervisor or manager");
        };
    }

    private static boolean bool(String text, String at) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "" -> true;
            case "false", "no", "0" -> false;
            default -> throw bad(at + "active '" + text + "' is not true or false");
        };
    }

    private static long version(String text, String at) {
        try {
            long v = text.isEmpty() ? 0 : Long.parseLong(text);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(at + "version '" + text + "' is not a whole number >= 0");
        }
    }

    private static int iterations(String text, String at) {
        try {
            int v = Integer.parseInt(text);
            if (v < 1_000) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(at + "iterations '" + text + "' is not a whole number >= 1000");
        }
    }

    private static byte[] hex(String text, String what) {
        try {
            byte[] b = HexFormat.of().parseHex(text);
            if (b.length < 16) {
                throw new IllegalArgumentException();
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw bad(what + " is not hex of at least 16 bytes");
        }
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }
}
