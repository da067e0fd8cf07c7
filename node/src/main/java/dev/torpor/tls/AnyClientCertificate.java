package dev.torpor.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The server side's trust: any client certificate passes the handshake (the client still proves it holds its key),
 * and the routes that need a member check it ({@link ClusterTls#member}). A handshake refused for a stranger's
 * certificate would also lock out a Lambda client that happens to carry one, and say nothing a caller could read.
 * No accepted issuers are named, so a client sends the certificate it has, whoever issued it.
 */
final class AnyClientCertificate extends X509ExtendedTrustManager {
    private final X509TrustManager servers;

    AnyClientCertificate(X509TrustManager servers) {
        this.servers = servers;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // checked per request, where it matters
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // checked per request, where it matters
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // checked per request, where it matters
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        servers.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        servers.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        servers.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
