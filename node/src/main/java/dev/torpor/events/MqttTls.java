package dev.torpor.events;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS to the broker from PEM files, with the JDK's own classes: the CA to trust, and the node's certificate and key. */
final class MqttTls {
    private MqttTls() {}

    static SSLSocketFactory socketFactory(MqttSettings s) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (s.caFile().isPresent()) {
                KeyStore cas = emptyStore();
                List<? extends Certificate> certs = certificates(s.caFile().get());
                for (int i = 0; i < certs.size(); i++) cas.setCertificateEntry("ca-" + i, certs.get(i));
                trust.init(cas);
            } else {
                trust.init((KeyStore) null); // the JVM's trusted CAs
            }
            KeyManagerFactory keys = null;
            if (s.clientCertFile().isPresent() != s.clientKeyFile().isPresent()) {
                throw TorporException.invalid("--mqtt-cert and --mqtt-key go together");
            }
            if (s.clientCertFile().isPresent()) {
                KeyStore own = emptyStore();
                own.setKeyEntry("client", privateKey(s.clientKeyFile().get()), new char[0],
                        certificates(s.clientCertFile().get()).toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, new char[0]);
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new TorporException(ErrorKind.INVALID_PARAMETER, "cannot set up TLS to the MQTT broker: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static List<? extends Certificate> certificates(Path pem) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    /** An unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"), RSA or EC. */
    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException, IOException {
        String text = Files.readString(pem);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw TorporException.invalid(pem + " must be an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
                    + "convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + pem);
        }
        byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }
}
