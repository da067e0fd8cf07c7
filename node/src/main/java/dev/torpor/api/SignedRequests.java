package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.auth.Authenticator;
import dev.torpor.auth.SigV4;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A node with keys checks every request's signature before routing it. The body is read first to hash it, and handed
 * on from memory; only Torpor's node-to-node uploads (images, chunks) may leave their streamed body unsigned, their
 * path, headers and key still signed.
 */
final class SignedRequests {
    /** The largest signed body: a CreateFunction carrying a 50 MB zip in base64, as Lambda allows. */
    static final long MAX_BODY = 70L * 1024 * 1024;
    private static final String NODE_PATHS = "/torpor/v1/";

    private final Authenticator authenticator;

    SignedRequests(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    void verify(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        Authenticator.Claim claim = authenticator.claim(headers);
        String path = exchange.getRequestURI().getRawPath();
        List<String> declared = headers.get("x-amz-content-sha256");
        String payloadHash;
        if (declared != null && declared.getFirst().equals(SigV4.UNSIGNED_PAYLOAD) && path.startsWith(NODE_PATHS)) {
            payloadHash = SigV4.UNSIGNED_PAYLOAD;
        } else {
            byte[] body = readBody(exchange);
            payloadHash = SigV4.hex(SigV4.sha256().digest(body));
            if (declared != null && !declared.getFirst().equals(payloadHash)) {
                throw new TorporException(ErrorKind.INVALID_SIGNATURE, "X-Amz-Content-Sha256 is not the hash of the body");
            }
            exchange.setStreams(new ByteArrayInputStream(body), null);
        }
        authenticator.verify(claim, exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), headers, payloadHash);
    }

    private static byte[] readBody(HttpExchange exchange) {
        return BoundedBody.read(exchange.getRequestBody(), MAX_BODY,
                () -> new TorporException(ErrorKind.REQUEST_TOO_LARGE, "Request must be smaller than " + MAX_BODY + " bytes"));
    }
}
