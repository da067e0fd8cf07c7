package dev.torpor.tls;

import dev.torpor.TorporException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * The cluster's certificate authority in a directory: its key ({@value #CA_KEY}, mode 0600) and certificate
 * ({@value ClusterTls#CA_CERT}), and the node certificates it issues, each in a directory of its own that a node is
 * started with ({@code --tls DIR}). Certificates are built with Bouncy Castle; only the CLI's cluster commands load
 * this class, so a node's memory never holds Bouncy Castle. Keys are EC P-256: small and quick on a small device.
 */
public final class ClusterAuthority {
    public static final String CA_KEY = "ca.key";
    /** A node id names a directory and a DNS name in its certificate. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?");
    private static final String SIGNATURE = "SHA256withECDSA";

    private final Path dir;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterAuthority(Path dir, X509Certificate certificate, PrivateKey key) {
        this.dir = dir;
        this.certificate = certificate;
        this.key = key;
    }

    /** Makes a new CA in {@code dir}; refuses to replace one that is there (a new CA is a new directory). */
    public static ClusterAuthority create(Path dir, String name, Duration validity) {
        if (Files.exists(dir.resolve(CA_KEY))) {
            throw TorporException.invalid(dir.resolve(CA_KEY) + " exists already: a cluster CA is there; make a new one in another directory");
        }
        KeyPair pair = newKeyPair();
        X500Principal subject = new X500Principal("CN=" + name);
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(subject, serial(), Date.from(Instant.now()),
                Date.from(Instant.now().plus(validity)), subject, pair.getPublic()), pair, pair, ca -> {
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
        write(dir.resolve(CA_KEY), pkcs8(pair.getPrivate()));
        write(dir.resolve(ClusterTls.CA_CERT), pem(cert));
        return new ClusterAuthority(dir, cert, pair.getPrivate());
    }

    /** The CA of {@code dir}, as {@link #create} left it. */
    public static ClusterAuthority open(Path dir) {
        if (!Files.exists(dir.resolve(CA_KEY))) {
            throw TorporException.invalid("no cluster CA in " + dir + " (no " + CA_KEY + "): make one with `torpor cluster init --dir " + dir + "`");
        }
        X509Certificate cert = Pem.certificates(dir.resolve(ClusterTls.CA_CERT)).getFirst();
        return new ClusterAuthority(dir, cert, Pem.privateKey(dir.resolve(CA_KEY), cert.getPublicKey().getAlgorithm()));
    }

    /**
     * Issues (or issues again, with a new key) the certificate of node {@code nodeId}: common name and a DNS name the
     * node id, and {@code names} (IP addresses or DNS names) where its peers and clients reach it. Writes
     * {@code <dir>/<nodeId>/} with the certificate, its key (0600) and the CA certificate; answers that directory.
     */
    public Path issue(String nodeId, List<String> names, Duration validity) {
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw TorporException.invalid("a node id is letters, digits, '-' and '.' (a DNS name), not '" + nodeId + "'");
        }
        KeyPair pair = newKeyPair();
        GeneralName[] alternatives = java.util.stream.Stream.concat(java.util.stream.Stream.of(nodeId), names.stream())
                .distinct().map(ClusterAuthority::generalName).toArray(GeneralName[]::new);
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(Instant.now()),
                Date.from(Instant.now().plus(validity)), new X500Principal("CN=" + nodeId), pair.getPublic()), pair,
                new KeyPair(certificate.getPublicKey(), key), node -> {
            node.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            node.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            // Every node is a server to its peers and a client of theirs.
            node.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            node.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        });
        Path nodeDir = dir.resolve(nodeId);
        write(nodeDir.resolve(ClusterTls.NODE_KEY), pkcs8(pair.getPrivate()));
        write(nodeDir.resolve(ClusterTls.NODE_CERT), pem(cert));
        write(nodeDir.resolve(ClusterTls.CA_CERT), pem(certificate));
        return nodeDir;
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair subject, KeyPair issuer, Extensions extensions) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subject.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.getPublic()));
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("every JDK signs with " + SIGNATURE, e);
        }
    }

    private static GeneralName generalName(String name) {
        return IPAddress.isValid(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has EC P-256", e);
        }
    }

    /** Random and positive, as RFC 5280 asks: 159 bits. */
    private static BigInteger serial() {
        return new BigInteger(159, new SecureRandom());
    }

    /** PKCS#8, unencrypted: what {@link Pem} reads with the JDK (not the "EC PRIVATE KEY" form a key object would get). */
    private static String pkcs8(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (PemGenerationException e) {
            throw new IllegalStateException("an EC key always encodes", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Replaces {@code file} whole, mode 0600 from the moment it exists (a temporary file is made so): keys are readable
     * by their owner alone, and a re-issued certificate never meets a reader half written.
     */
    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path staged = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".new");
            Files.writeString(staged, text);
            Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw TorporException.invalid("cannot write " + file + ": " + e.getMessage());
        }
    }
}
