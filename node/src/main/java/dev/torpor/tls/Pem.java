package dev.torpor.tls;

import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and keys in PEM files, read with the JDK alone, so a node loads its certificate without Bouncy Castle
 * in its memory. Certificates are the JDK's own PEM parsing; a key is an unencrypted PKCS#8 {@code PRIVATE KEY} block,
 * whose base64 armour is unwrapped here (the JDK's PEM decoder is still a preview API in Java 25).
 */
public final class Pem {
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private Pem() {}

    /** Every certificate in {@code file}, in order; at least one. */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) throw TorporException.invalid(file + " holds no certificate");
            return certs;
        } catch (IOException | CertificateException e) {
            throw TorporException.invalid("cannot read the certificates of " + file + ": " + e.getMessage());
        }
    }

    /** The PKCS#8 private key in {@code file}, for a public key of {@code algorithm} ("EC", "RSA"). */
    public static PrivateKey privateKey(Path file, String algorithm) {
        try {
            Matcher m = PKCS8.matcher(Files.readString(file));
            if (!m.find()) throw TorporException.invalid(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
            byte[] der = Base64.getMimeDecoder().decode(m.group(1).strip());
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw TorporException.invalid("cannot read the private key of " + file + ": " + e.getMessage());
        }
    }
}
