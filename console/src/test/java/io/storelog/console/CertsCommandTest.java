package io.storelog.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.tls.Certificates;
import io.storelog.node.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code storelog certs}: the CA signs node certificates that validate against it (PKIX) and no other CA;
 * keys are owner-only; the HQ certificate names its hosts and the printed pin is its SHA-256; an existing
 * file is never overwritten (exit 2).
 */
class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void caSignsNodeCertificatesThatChainToItAndNotToAnother() throws Exception {
        Path certs = dir.resolve("certs");
        Path other = dir.resolve("other");
        assertThat(run("certs", "ca", "--dir", certs.toString(), "--name", "demo-store CA").code()).isZero();
        assertThat(run("certs", "ca", "--dir", other.toString()).code()).isZero();
        Run node = run("certs", "node", "--dir", certs.toString(), "--id", "till-1");
        assertThat(node.code()).isZero();
        assertThat(node.out()).contains("peer.tls-ca: " + certs.resolve("ca.pem")).contains("peer.tls-key: " + certs.resolve("till-1-key.pem"));

        X509Certificate leaf = Pem.certificates(certs.resolve("till-1.pem")).get(0);
        assertThat(validates(leaf, Pem.certificates(certs.resolve("ca.pem")).get(0))).isTrue();
        assertThat(validates(leaf, Pem.certificates(other.resolve("ca.pem")).get(0))).isFalse();
        assertThat(Pem.privateKey(certs.resolve("till-1-key.pem")).getAlgorithm()).isEqualTo("EC");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("till-1-key.pem")))).isEqualTo("rw-------");

        byte[] before = Files.readAllBytes(certs.resolve("till-1.pem"));
        Run again = run("certs", "node", "--dir", certs.toString(), "--id", "till-1");
        assertThat(again.code()).isEqualTo(StoreLogCli.USAGE);
        assertThat(again.err()).contains("exists");
        assertThat(Files.readAllBytes(certs.resolve("till-1.pem"))).isEqualTo(before);
        assertThat(run("certs", "node", "--dir", dir.resolve("none").toString(), "--id", "till-2").code()).isEqualTo(StoreLogCli.USAGE);
    }

    @Test
    void hqCertificateNamesItsHostsAndThePrintedPinIsItsHash() throws Exception {
        Run hq = run("certs", "hq", "--dir", dir.toString(), "--host", "hq.example.com,127.0.0.1");
        assertThat(hq.code()).isZero();
        X509Certificate cert = Pem.certificates(dir.resolve("hq.pem")).get(0);
        assertThat(hq.out()).contains("hq.tls-pin: " + Certificates.fingerprint(cert));
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList()).containsExactlyInAnyOrder("hq.example.com", "127.0.0.1");
        assertThat(validates(cert, cert)).as("self-signed: it is its own trust anchor").isTrue();
    }

    private static boolean validates(X509Certificate leaf, X509Certificate anchor) throws Exception {
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        p.setRevocationEnabled(false);
        try {
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), p);
            return true;
        } catch (java.security.cert.CertPathValidatorException e) {
            return false;
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = StoreLogCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
