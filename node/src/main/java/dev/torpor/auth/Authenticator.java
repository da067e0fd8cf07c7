package dev.torpor.auth;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a request's SigV4 signature against the keys a node accepts, refusing as Lambda does: no signature at all
 * is {@code MissingAuthenticationTokenException}, an unknown key {@code UnrecognizedClientException}, a signature
 * that does not match or is dated outside the clock-skew window {@code InvalidSignatureException}.
 */
public final class Authenticator {
    /** Lambda's window: a request signed more than five minutes before or after its arrival is refused. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            SigV4.ALGORITHM + " Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request,\\s*"
                    + "SignedHeaders=([a-z0-9;_.-]+),\\s*Signature=([0-9a-f]{64})");

    private final CredentialsFile keys;
    private final Clock clock;

    public Authenticator(CredentialsFile keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The parts of a signature read from the headers, before the body is: enough to refuse a stranger cheaply. */
    public record Claim(Credentials credentials, Instant signedAt, String region, String service, List<String> signedHeaders,
                        String signature) {}

    /**
     * Reads the {@code Authorization} header and finds its key; {@code headers} have lower-case names. Throws the
     * refusal when there is no signature, its key is unknown, or its date is outside the window.
     */
    public Claim claim(Map<String, List<String>> headers) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            throw new TorporException(ErrorKind.MISSING_AUTHENTICATION, "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.strip());
        if (!m.matches()) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "Authorization header is not an "
                    + SigV4.ALGORITHM + " signature (Credential=…, SignedHeaders=…, Signature=…)");
        }
        Credentials credentials = keys.byKeyId(m.group(1)).orElseThrow(() -> new TorporException(
                ErrorKind.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
        List<String> signed = Arrays.asList(m.group(5).split(";"));
        if (!signed.contains("host")) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "'Host' must be a signed header");
        }
        Instant at = signedAt(headers);
        if (!SigV4.AMZ_DATE.format(at).startsWith(m.group(2))) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "Credential should be scoped to a valid date: "
                    + m.group(2) + " is not the day of " + SigV4.AMZ_DATE.format(at));
        }
        Instant now = clock.instant();
        if (at.isBefore(now.minus(CLOCK_SKEW)) || at.isAfter(now.plus(CLOCK_SKEW))) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "Signature expired: " + SigV4.AMZ_DATE.format(at)
                    + " is now " + (at.isBefore(now) ? "earlier" : "later") + " than "
                    + SigV4.AMZ_DATE.format(at.isBefore(now) ? now.minus(CLOCK_SKEW) : now.plus(CLOCK_SKEW))
                    + " (" + SigV4.AMZ_DATE.format(now) + (at.isBefore(now) ? " - " : " + ") + "5 min.)");
        }
        return new Claim(credentials, at, m.group(3), m.group(4), signed, m.group(6));
    }

    /** Checks the signature over the whole request, its body's hash included; the accepted key's id. */
    public String verify(Claim claim, String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                         String payloadHash) {
        for (String h : claim.signedHeaders()) {
            if (!headers.containsKey(h)) throw new TorporException(ErrorKind.INVALID_SIGNATURE, "signed header '" + h + "' is missing");
        }
        String expected = SigV4.signature(new SigV4.Signed(method, rawPath, rawQuery, headers, claim.signedHeaders(), payloadHash),
                claim.credentials().secretAccessKey(), claim.signedAt(), claim.region(), claim.service());
        if (!java.security.MessageDigest.isEqual(expected.getBytes(), claim.signature().getBytes())) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.");
        }
        return claim.credentials().accessKeyId();
    }

    private static Instant signedAt(Map<String, List<String>> headers) {
        String date = first(headers, "x-amz-date");
        if (date == null) throw new TorporException(ErrorKind.INVALID_SIGNATURE, "the request has no X-Amz-Date header");
        try {
            return Instant.from(SigV4.AMZ_DATE.parse(date.strip()));
        } catch (DateTimeParseException e) {
            throw new TorporException(ErrorKind.INVALID_SIGNATURE, "X-Amz-Date '" + date + "' is not of the form yyyyMMddTHHmmssZ");
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
