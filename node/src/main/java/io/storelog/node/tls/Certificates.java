package io.storelog.node.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes certificates with Bouncy Castle: a store CA, certificates it signs for nodes and headquarters,
 * and self-signed ones (a node's default peer certificate, or headquarters without a CA).
 */
public final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Allows for clocks a little behind the one that made the certificate. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private Certificates() {
    }

    /** A private key and its certificate. */
    public record Issued(PrivateKey key, X509Certificate cert) {
        /** SHA-256 of the certificate, as lower-case hex. */
        public String fingerprint() {
            return Certificates.fingerprint(cert);
        }
    }

    /** A CA certificate for one store (or a chain), valid for {@code validity}, that signs the others. */
    public static Issued authority(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name name = name(commonName);
        try {
            X509v3CertificateBuilder b = builder(name, name, keys, validity);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(keys.getPrivate(), sign(b, keys.getPrivate()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate signed by {@code ca} for a node or headquarters, good for both ends of a TLS link,
     * naming {@code altNames} (host names or IP addresses) as subject alternative names.
     */
    public static Issued issue(Issued ca, String commonName, List<String> altNames, Duration validity) {
        KeyPair keys = newKeyPair();
        try {
            X500Name issuer = X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = builder(issuer, name(commonName), keys, validity);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
            leafExtensions(b, ext, keys, altNames);
            return new Issued(keys.getPrivate(), sign(b, ca.key()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** A self-signed certificate for {@code commonName} and {@code altNames}. */
    public static Issued selfSigned(String commonName, List<String> altNames, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name name = name(commonName);
        try {
            X509v3CertificateBuilder b = builder(name, name, keys, validity);
            leafExtensions(b, new JcaX509ExtensionUtils(), keys, altNames);
            return new Issued(keys.getPrivate(), sign(b, keys.getPrivate()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of a certificate's DER encoding, as lower-case hex (what hq.tls-pin takes). */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
        }
    }

    private static void leafExtensions(X509v3CertificateBuilder b, JcaX509ExtensionUtils ext, KeyPair keys, List<String> altNames)
            throws CertIOException, GeneralSecurityException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        // Both purposes: a peer link's certificate serves whichever side dialled.
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        if (!altNames.isEmpty()) {
            GeneralName[] names = altNames.stream().map(Certificates::generalName).toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
    }

    private static GeneralName generalName(String name) {
        if (name.matches("[0-9.]+") || name.contains(":")) {
            try {
                // Already a literal address: no lookup happens for it.
                return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + name + "' is not an IP address", e);
            }
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "StoreLog").addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is part of every Java runtime", e);
        }
    }
}
