package io.storelog.console;

import io.storelog.config.ConfigKeys;
import io.storelog.node.staff.PinHasher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code storelog staff-hash}: reads a PIN on standard input (never as an argument, which shells and
 * {@code ps} would show) and prints a staff bootstrap-file row holding its salt and PBKDF2 hash, so the
 * file on the store server need not hold PINs in plain text.
 */
@Command(name = "staff-hash", mixinStandardHelpOptions = true,
        description = "Read a PIN on stdin and print a staff CSV row id,name,role,salt,hash,iterations.")
public final class StaffHashCommand implements Callable<Integer> {
    /** The header of a bootstrap file whose rows this command prints. */
    public static final String HEADER = "id,name,role,salt,hash,iterations";

    @Option(names = "--id", required = true, description = "staff id") String id;
    @Option(names = "--name", required = true, description = "display name (no commas)") String name;
    @Option(names = "--role", required = true, description = "cashier, supervisor or manager") String role;
    @Option(names = "--iterations", description = "PBKDF2 iterations (default ${DEFAULT-VALUE})")
    int iterations = ConfigKeys.DEFAULT_PIN_ITERATIONS;
    @Option(names = "--header", description = "print the CSV header line first") boolean header;

    @Override
    public Integer call() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String pin = in.readLine();
        if (header) {
            System.out.println(HEADER);
        }
        System.out.println(row(id, name, role, pin == null ? "" : pin.trim(), iterations));
        return 0;
    }

    /** One CSV row for {@code id} with a fresh salt and the hash of {@code pin}. */
    public static String row(String id, String name, String role, String pin, int iterations) {
        if (name.contains(",") || id.contains(",")) {
            throw new UsageException("--id and --name must not contain commas");
        }
        String r = role.toLowerCase(Locale.ROOT);
        if (!r.equals("cashier") && !r.equals("supervisor") && !r.equals("manager")) {
            throw new UsageException("--role must be cashier, supervisor or manager");
        }
        if (iterations < ConfigKeys.MIN_PIN_ITERATIONS || iterations > ConfigKeys.MAX_PIN_ITERATIONS) {
            throw new UsageException("--iterations must be between " + ConfigKeys.MIN_PIN_ITERATIONS + " and "
                    + ConfigKeys.MAX_PIN_ITERATIONS);
        }
        if (!PinHasher.PIN.matcher(pin).matches()) {
            throw new UsageException("the PIN on stdin must be 4 to 12 digits");
        }
        byte[] salt = PinHasher.newSalt();
        HexFormat hex = HexFormat.of();
        return String.join(",", id, name, r, hex.formatHex(salt), hex.formatHex(PinHasher.hash(pin, salt, iterations, id)),
                Integer.toString(iterations));
    }
}
