package io.storelog.console;

import io.storelog.node.tls.Certificates;
import io.storelog.node.tls.Pem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code storelog certs}: makes a store CA, certificates it signs for the store's nodes (peer.tls-ca,
 * -cert, -key), and a certificate for headquarters' HTTPS (hq.tls-cert, -key; stores trust it with
 * hq.tls-trust or hq.tls-pin). Keys are EC P-256, written unencrypted with owner-only permissions;
 * an existing file is never overwritten.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Make a store CA, node certificates signed by it, and a headquarters HTTPS certificate (PEM files).",
        subcommands = {CertsCommand.Ca.class, CertsCommand.Node.class, CertsCommand.Hq.class})
public final class CertsCommand implements Runnable {
    static final String CA_CERT = "ca.pem";
    static final String CA_KEY = "ca-key.pem";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code certs ca}: a new store CA in DIR. */
    @Command(name = "ca", mixinStandardHelpOptions = true, description = "Make a store CA: DIR/ca.pem and DIR/ca-key.pem.")
    static final class Ca implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "directory for the files (made if missing)") Path dir;
        @Option(names = "--name", description = "CA name (default: ${DEFAULT-VALUE})") String name = "StoreLog store CA";
        @Option(names = "--days", description = "validity in days (default: ${DEFAULT-VALUE})") int days = 3650;

        @Override
        public Integer call() throws Exception {
            Path cert = dir.resolve(CA_CERT);
            Path key = dir.resolve(CA_KEY);
            prepare(cert, key);
            Certificates.Issued ca = Certificates.authority(name, validity(days));
            Pem.writePrivateKey(key, ca.key());
            Pem.writeCertificates(cert, List.of(ca.cert()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + cert + " (give it to every node as peer.tls-ca) and " + key
                    + " (keep it off the tills: whoever holds it can make certificates for the store)");
            out.flush();
            return 0;
        }
    }

    /** {@code certs node}: a peer certificate for one node, signed by the CA in DIR. */
    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Make DIR/NAME.pem and DIR/NAME-key.pem for node NAME, signed by the CA in DIR.")
    static final class Node implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "directory holding ca.pem and ca-key.pem") Path dir;
        @Option(names = "--id", required = true, description = "node name (node.id)") String id;
        @Option(names = "--days", description = "validity in days (default: ${DEFAULT-VALUE})") int days = 825;

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[A-Za-z0-9._-]+")) {
                throw new UsageException("--id '" + id + "' is not a node name (letters, digits, '.', '_', '-')");
            }
            Certificates.Issued ca = readCa(dir);
            Path cert = dir.resolve(id + ".pem");
            Path key = dir.resolve(id + "-key.pem");
            prepare(cert, key);
            Certificates.Issued issued = Certificates.issue(ca, id, List.of(), validity(days));
            Pem.writePrivateKey(key, issued.key());
            Pem.writeCertificates(cert, List.of(issued.cert()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("# node " + id + ": add to its config (all three together)");
            out.println("peer.tls-ca: " + dir.resolve(CA_CERT));
            out.println("peer.tls-cert: " + cert);
            out.println("peer.tls-key: " + key);
            out.flush();
            return 0;
        }
    }

    /** {@code certs hq}: headquarters' HTTPS certificate, self-signed or signed by a CA. */
    @Command(name = "hq", mixinStandardHelpOptions = true,
            description = "Make DIR/hq.pem and DIR/hq-key.pem for headquarters' HTTPS; prints the SHA-256 pin for hq.tls-pin.")
    static final class Hq implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "directory for the files") Path dir;
        @Option(names = "--host", required = true, split = ",",
                description = "host names and IP addresses stores use in hq.url (repeat or comma-separate)") List<String> hosts;
        @Option(names = "--ca", description = "sign with the CA in this directory (default: self-signed)") Path caDir;
        @Option(names = "--days", description = "validity in days (default: ${DEFAULT-VALUE})") int days = 825;

        @Override
        public Integer call() throws Exception {
            Path cert = dir.resolve("hq.pem");
            Path key = dir.resolve("hq-key.pem");
            List<String> names = new ArrayList<>();
            for (String h : hosts) {
                if (!h.isBlank()) {
                    names.add(h.trim());
                }
            }
            if (names.isEmpty()) {
                throw new UsageException("--host needs at least one host name or address");
            }
            Certificates.Issued ca = caDir == null ? null : readCa(caDir);
            prepare(cert, key);
            Certificates.Issued issued = ca == null ? Certificates.selfSigned(names.get(0), names, validity(days))
                    : Certificates.issue(ca, names.get(0), names, validity(days));
            Pem.writePrivateKey(key, issued.key());
            Pem.writeCertificates(cert, List.of(issued.cert()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("# headquarters: bin/storelog node --role hq --hq-tls-cert " + cert + " --hq-tls-key " + key + " ...");
            out.println("# each store: hq.url https://" + names.get(0) + ":PORT and one of");
            out.println("hq.tls-trust: " + (ca == null ? cert : caDir.resolve(CA_CERT)));
            out.println("hq.tls-pin: " + issued.fingerprint());
            out.flush();
            return 0;
        }
    }

    private static Certificates.Issued readCa(Path dir) {
        Path cert = dir.resolve(CA_CERT);
        Path key = dir.resolve(CA_KEY);
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            throw new UsageException("no CA in " + dir + " (" + CA_CERT + " and " + CA_KEY + "); make one with: storelog certs ca --dir "
                    + dir);
        }
        try {
            return new Certificates.Issued(Pem.privateKey(key), Pem.certificates(cert).get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void prepare(Path... files) throws java.io.IOException {
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new UsageException(f + " exists; remove it first to make a new one");
            }
        }
        Path parent = files[0].toAbsolutePath().getParent();
        Files.createDirectories(parent);
    }

    private static Duration validity(int days) {
        if (days < 1 || days > 36_500) {
            throw new UsageException("--days must be between 1 and 36500");
        }
        return Duration.ofDays(days);
    }
}
