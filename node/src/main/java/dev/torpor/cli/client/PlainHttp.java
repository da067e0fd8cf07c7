package dev.torpor.cli.client;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client that speaks plain HTTP only. The JDK's HTTP client builds its TLS context when it is
 * made, and the default one reads and parses every CA certificate of the JDK's trust store: about 400 classes and
 * a good part of a short CLI command's run. One without keys or trust managers costs nothing and trusts nobody.
 */
final class PlainHttp {
    static final SSLContext SSL_CONTEXT = trustingNobody();

    private PlainHttp() {}

    private static SSLContext trustingNobody() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every JDK has TLS", e);
        }
    }
}
