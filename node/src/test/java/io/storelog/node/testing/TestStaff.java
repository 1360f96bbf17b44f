package io.storelog.node.testing;

import io.storelog.config.ConfigKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A staff bootstrap file with known PINs for tests: two cashiers, a supervisor and a manager. The
 * PINs are long and unusual so a scan of the log bytes for them cannot hit by chance.
 */
public final class TestStaff {
    public static final String CASHIER = "ann";
    public static final String CASHIER_PIN = "73916482";
    public static final String OTHER_CASHIER = "bob";
    public static final String OTHER_CASHIER_PIN = "52846137";
    public static final String SUPERVISOR = "sue";
    public static final String SUPERVISOR_PIN = "91738264";
    public static final String MANAGER = "max";
    public static final String MANAGER_PIN = "64829173";

    private TestStaff() {
    }

    /** Writes the file into {@code dir}. */
    public static Path writeFile(Path dir) {
        Path file = dir.resolve("staff.csv");
        try {
            Files.writeString(file, "id,name,role,pin\n"
                    + CASHIER + ",Ann Cashier,cashier," + CASHIER_PIN + "\n"
                    + OTHER_CASHIER + ",Bob Cashier,cashier," + OTHER_CASHIER_PIN + "\n"
                    + SUPERVISOR + ",Sue Supervisor,supervisor," + SUPERVISOR_PIN + "\n"
                    + MANAGER + ",Max Manager,manager," + MANAGER_PIN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Overrides loading the file from {@code dir}, with cheap PIN hashing and a short lock-out limit. */
    public static Map<String, String> overrides(Path dir) {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.STAFF_BOOTSTRAP_FILE, writeFile(dir).toString());
        o.put(ConfigKeys.STAFF_PIN_ITERATIONS, "1000");
        o.put(ConfigKeys.STAFF_MAX_PIN_FAILURES, "3");
        o.put(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, "10");
        return o;
    }
}
