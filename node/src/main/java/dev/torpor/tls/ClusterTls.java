package dev.torpor.tls;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * A node's place in its cluster, from the directory {@code torpor cluster add-node} made: its certificate
 * ({@value #NODE_CERT}), its key ({@value #NODE_KEY}) and the cluster CA ({@value #CA_CERT}; several CAs while one is
 * being replaced). A member is whoever presents a certificate the CA issued and proves it holds its key; its node id is
 * the certificate's common name.
 */
public final class ClusterTls {
    public static final String NODE_CERT = "node.crt", NODE_KEY = "node.key", CA_CERT = "ca.crt";
    /** The key store password of keys that never leave memory. */
    private static final char[] IN_MEMORY = new char[0];

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final X509TrustManager cluster;

    private ClusterTls(List<X509Certificate> chain, PrivateKey key, X509TrustManager cluster) {
        this.chain = chain;
        this.key = key;
        this.cluster = cluster;
    }

    /** Loads {@code dir}, refusing a certificate the CA did not issue or that is not valid now. */
    public static ClusterTls load(Path dir) {
        List<X509Certificate> chain = Pem.certificates(dir.resolve(NODE_CERT));
        PrivateKey key = Pem.privateKey(dir.resolve(NODE_KEY), chain.getFirst().getPublicKey().getAlgorithm());
        ClusterTls tls = new ClusterTls(chain, key, trusting(Pem.certificates(dir.resolve(CA_CERT))));
        try {
            tls.member(chain.toArray(X509Certificate[]::new));
        } catch (TorporException e) {
            throw TorporException.invalid(dir.resolve(NODE_CERT) + " is not a member certificate of " + dir.resolve(CA_CERT)
                    + ": " + e.getMessage());
        }
        return tls;
    }

    /** The node id this certificate names. */
    public String nodeId() {
        return commonName(chain.getFirst());
    }

    /**
     * For the node's API: it presents the node's certificate and asks every caller for one, so a member can prove
     * it is one; a caller without one (a Lambda client) is served, and so is one with a stranger's, whose requests
     * to node-to-node routes are then refused one by one, with a clear error rather than a broken handshake.
     */
    public SSLContext serverContext() {
        return context(new AnyClientCertificate(cluster));
    }

    /** For calls to other nodes: presents this node's certificate, and trusts only servers the cluster CA issued. */
    public SSLContext clientContext() {
        return context(cluster);
    }

    /** The node id of a caller that presented {@code presented}; NOT_A_MEMBER unless the cluster CA issued it. */
    public String member(X509Certificate[] presented) {
        if (presented == null || presented.length == 0) {
            throw new TorporException(ErrorKind.NOT_A_MEMBER, "only members of the cluster may call this, and the caller "
                    + "presented no TLS client certificate");
        }
        try {
            // The JDK's PKIX check as a TLS client's certificate: chain, validity, key usage and clientAuth.
            cluster.checkClientTrusted(presented, "UNKNOWN");
        } catch (CertificateException e) {
            throw new TorporException(ErrorKind.NOT_A_MEMBER, "only members of the cluster may call this, and the "
                    + "certificate of '" + commonName(presented[0]) + "' is not one: " + e.getMessage());
        }
        return commonName(presented[0]);
    }

    private SSLContext context(TrustManager trust) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("node", key, IN_MEMORY, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("every JDK has PKCS12 key stores and TLS", e);
        }
    }

    /** A trust manager that trusts {@code cas} and nothing else (not the JDK's public CAs). */
    public static X509TrustManager trusting(List<X509Certificate> cas) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("every JDK has PKCS12 key stores and PKIX", e);
        }
    }

    /** An SSL context that trusts the certificates of {@code caBundle} only: how clients reach a node over HTTPS. */
    public static SSLContext trustingOnly(Path caBundle) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trusting(Pem.certificates(caBundle))}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has TLS", e);
        }
    }

    static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
            }
        } catch (InvalidNameException e) {
            // said below
        }
        return cert.getSubjectX500Principal().getName();
    }
}
