package dev.torpor.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, as the AWS CLI and SDKs sign a Lambda request: the canonical request, the string to sign
 * and the derived key, for the node that checks a signature and for the clients (the CLI, other nodes) that make
 * one. Written here, a page of the JDK's HMAC, rather than taken from the AWS SDK, whose signer would bring its core
 * libraries into the agent; the tests check it against the SDK's own signer and the AWS CLI.
 */
public final class SigV4 {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String SERVICE = "lambda";
    /** A body the signature does not cover: accepted only where a route streams (node-to-node images). */
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {}

    /** What of a request a signature covers. Header names lower case; each header's values in the order sent. */
    public record Signed(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                         List<String> signedHeaders, String payloadHash) {}

    /** The hex signature of {@code request} by {@code secret}, for the scope of {@code date}, {@code region}. */
    public static String signature(Signed request, String secret, Instant at, String region, String service) {
        String day = AMZ_DATE.format(at).substring(0, 8);
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String toSign = ALGORITHM + "\n" + AMZ_DATE.format(at) + "\n" + scope + "\n" + hex(sha256(canonicalRequest(request)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, toSign));
    }

    /** The {@code Authorization} header value for a signature of {@code request}. */
    public static String authorization(Signed request, Credentials credentials, Instant at, String region) {
        String scope = AMZ_DATE.format(at).substring(0, 8) + "/" + region + "/" + SERVICE + "/aws4_request";
        return ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope + ", SignedHeaders="
                + String.join(";", request.signedHeaders()) + ", Signature="
                + signature(request, credentials.secretAccessKey(), at, region, SERVICE);
    }

    static String canonicalRequest(Signed r) {
        StringBuilder headers = new StringBuilder();
        for (String name : r.signedHeaders()) {
            List<String> values = r.headers().getOrDefault(name, List.of());
            headers.append(name).append(':')
                    .append(values.stream().map(v -> v.strip().replaceAll("\\s+", " ")).collect(Collectors.joining(",")))
                    .append('\n');
        }
        return r.method() + "\n" + encode(r.rawPath(), false) + "\n" + canonicalQuery(r.rawQuery()) + "\n" + headers
                + "\n" + String.join(";", r.signedHeaders()) + "\n" + r.payloadHash();
    }

    /**
     * The query's parameters decoded, encoded again the one way SigV4 allows, sorted by name then value. The path is
     * not decoded first: for services other than S3 the signer encodes the already encoded path a second time.
     */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = encode(decode(eq < 0 ? pair : pair.substring(0, eq)), true);
            String v = encode(decode(eq < 0 ? "" : pair.substring(eq + 1)), true);
            params.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        List<String> out = new ArrayList<>();
        params.forEach((k, vs) -> vs.stream().sorted().forEach(v -> out.add(k + "=" + v)));
        return String.join("&", out);
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters (and '/' unless {@code slash}). */
    static String encode(String s, boolean slash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !slash)) {
                out.append(c);
            } else {
                out.append('%').append(HEX.withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static byte[] sha256(String s) {
        return sha256().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
