package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.torpor.tls.ClusterTls;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who may call the node-to-node routes: on a node with a cluster certificate, members only (a TLS client certificate
 * the cluster CA issued); on one without, anyone its signature check lets in, as before there were certificates.
 */
final class Members {
    private final Optional<ClusterTls> tls;

    Members(Optional<ClusterTls> tls) {
        this.tls = tls;
    }

    /** The calling member's node id, empty on a node without certificates; NOT_A_MEMBER for anyone else. */
    Optional<String> require(HttpExchange exchange) {
        if (tls.isEmpty()) return Optional.empty();
        X509Certificate[] presented = new X509Certificate[0];
        if (exchange instanceof HttpsExchange https) {
            try {
                presented = Arrays.stream(https.getSSLSession().getPeerCertificates())
                        .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            } catch (SSLPeerUnverifiedException e) {
                // no certificate: refused as a stranger
            }
        }
        return Optional.of(tls.get().member(presented));
    }
}
