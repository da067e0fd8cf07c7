package dev.torpor.auth;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs an outgoing request with one key, as the AWS SDKs do: {@code host} and {@code x-amz-date} signed, the body's
 * SHA-256 in the signature, or {@link SigV4#UNSIGNED_PAYLOAD} for a body streamed while it is made.
 */
public final class RequestSigner {
    private final Credentials credentials;
    private final String region;
    private final Clock clock;

    public RequestSigner(Credentials credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    /** The headers to add to the request; {@code body} null for a streamed, unsigned one. */
    public Map<String, String> headers(String method, URI uri, byte[] body) {
        Instant now = clock.instant();
        String date = SigV4.AMZ_DATE.format(now);
        String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String payloadHash = body == null ? SigV4.UNSIGNED_PAYLOAD : SigV4.hex(SigV4.sha256().digest(body));
        Map<String, List<String>> signedHeaders = new LinkedHashMap<>();
        signedHeaders.put("host", List.of(host));
        signedHeaders.put("x-amz-content-sha256", List.of(payloadHash));
        signedHeaders.put("x-amz-date", List.of(date));
        SigV4.Signed signed = new SigV4.Signed(method, uri.getRawPath(), uri.getRawQuery(), signedHeaders,
                List.copyOf(signedHeaders.keySet()), payloadHash);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("X-Amz-Date", date);
        out.put("X-Amz-Content-Sha256", payloadHash);
        out.put("Authorization", SigV4.authorization(signed, credentials, now, region));
        return out;
    }
}
