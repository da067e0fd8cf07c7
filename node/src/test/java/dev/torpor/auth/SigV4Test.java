package dev.torpor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.ContentStreamProvider;

/** Signatures as AWS makes them: its published test vector, and requests signed by the AWS SDK's own signer. */
class SigV4Test {
    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");
    private static final Credentials KEY = new Credentials("AKIDTORPOR", "s3cr3t/with+chars");
    private static final CredentialsFile KEYS = new CredentialsFile(Map.of("default", KEY));
    private final Authenticator authenticator = new Authenticator(KEYS, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void matchesAwsPublishedTestVector() {
        // get-vanilla from the AWS Signature Version 4 test suite.
        var request = new SigV4.Signed("GET", "/", "", Map.of("host", List.of("example.amazonaws.com"),
                "x-amz-date", List.of("20150830T123600Z")), List.of("host", "x-amz-date"),
                SigV4.hex(SigV4.sha256().digest(new byte[0])));
        assertThat(SigV4.signature(request, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Instant.parse("2015-08-30T12:36:00Z"),
                "us-east-1", "service")).isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void acceptsWhatTheAwsSdkSigns() {
        byte[] body = "{\"n\": 1, \"text\": \"a b+c\"}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest signed = sdkSigned(SdkHttpMethod.POST,
                URI.create("http://127.0.0.1:9000/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Acounter/invocations?Qualifier=%24LATEST&b=x%20y"),
                body, KEY.secretAccessKey());
        assertThat(verify(signed, body)).isEqualTo("AKIDTORPOR");
    }

    @Test
    void refusesAWrongSecretAnUnknownKeyAndAMissingSignature() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("http://127.0.0.1:9000/2015-03-31/functions/");
        assertThatThrownBy(() -> verify(sdkSigned(SdkHttpMethod.POST, uri, body, "not-the-secret"), body))
                .satisfies(e -> assertThat(((TorporException) e).kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE));
        Map<String, List<String>> stranger = headersOf(sdkSigned(SdkHttpMethod.POST, uri, body, "x"));
        stranger.put("authorization", List.of(stranger.get("authorization").getFirst().replace("AKIDTORPOR", "AKIDSTRANGER")));
        assertThatThrownBy(() -> authenticator.claim(stranger))
                .satisfies(e -> assertThat(((TorporException) e).kind()).isEqualTo(ErrorKind.UNRECOGNIZED_CLIENT));
        assertThatThrownBy(() -> authenticator.claim(Map.of("host", List.of("127.0.0.1:9000"))))
                .satisfies(e -> assertThat(((TorporException) e).kind()).isEqualTo(ErrorKind.MISSING_AUTHENTICATION));
    }

    @Test
    void refusesAChangedBodyPathOrSignedHeader() {
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("http://127.0.0.1:9000/torpor/v1/leases/f");
        SdkHttpRequest signed = sdkSigned(SdkHttpMethod.PUT, uri, body, KEY.secretAccessKey());
        Map<String, List<String>> headers = headersOf(signed);
        var claim = authenticator.claim(headers);
        String hash = SigV4.hex(SigV4.sha256().digest(body));
        assertThat(authenticator.verify(claim, "PUT", uri.getRawPath(), null, headers, hash)).isEqualTo("AKIDTORPOR");
        assertRefused(() -> authenticator.verify(claim, "PUT", uri.getRawPath(), null, headers,
                SigV4.hex(SigV4.sha256().digest("{\"n\":2}".getBytes(StandardCharsets.UTF_8)))));
        assertRefused(() -> authenticator.verify(claim, "PUT", "/torpor/v1/leases/g", null, headers, hash));
        assertRefused(() -> authenticator.verify(claim, "GET", uri.getRawPath(), null, headers, hash));
        Map<String, List<String>> otherHost = new LinkedHashMap<>(headers);
        otherHost.put("host", List.of("127.0.0.2:9000"));
        assertRefused(() -> authenticator.verify(claim, "PUT", uri.getRawPath(), null, otherHost, hash));
    }

    @Test
    void refusesASignatureOutsideTheClockSkewWindow() {
        byte[] body = new byte[0];
        URI uri = URI.create("http://127.0.0.1:9000/2015-03-31/functions/");
        for (Duration off : List.of(Duration.ofMinutes(-6), Duration.ofMinutes(6))) {
            var signer = new RequestSigner(KEY, "us-east-1", Clock.fixed(NOW.plus(off), ZoneOffset.UTC));
            Map<String, List<String>> headers = lowerCased(signer.headers("GET", uri, body));
            headers.put("host", List.of("127.0.0.1:9000"));
            assertThatThrownBy(() -> authenticator.claim(headers)).hasMessageContaining("Signature expired")
                    .satisfies(e -> assertThat(((TorporException) e).kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE));
        }
    }

    @Test
    void ourSignerIsAcceptedForBodiesAndStreams() {
        var signer = new RequestSigner(KEY, "eu-west-1", Clock.fixed(NOW.minusSeconds(30), ZoneOffset.UTC));
        URI uri = URI.create("http://[::1]:9000/torpor/v1/backups/i-1/chunks?x=1");
        for (byte[] body : new byte[][] {"chunks".getBytes(StandardCharsets.UTF_8), null}) {
            Map<String, List<String>> headers = lowerCased(signer.headers("POST", uri, body));
            headers.put("host", List.of("[::1]:9000"));
            String hash = body == null ? SigV4.UNSIGNED_PAYLOAD : SigV4.hex(SigV4.sha256().digest(body));
            assertThat(authenticator.verify(authenticator.claim(headers), "POST", uri.getRawPath(), uri.getRawQuery(), headers, hash))
                    .isEqualTo("AKIDTORPOR");
        }
    }

    private String verify(SdkHttpRequest signed, byte[] body) {
        Map<String, List<String>> headers = headersOf(signed);
        URI uri = signed.getUri();
        return authenticator.verify(authenticator.claim(headers), signed.method().name(), uri.getRawPath(), uri.getRawQuery(),
                headers, SigV4.hex(SigV4.sha256().digest(body)));
    }

    private static void assertRefused(Runnable call) {
        assertThatThrownBy(call::run).satisfies(e -> assertThat(((TorporException) e).kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE));
    }

    private static SdkHttpRequest sdkSigned(SdkHttpMethod method, URI uri, byte[] body, String secret) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(method).uri(uri)
                .putHeader("Content-Type", "application/json").build();
        return AwsV4HttpSigner.create().sign(r -> r.identity(AwsBasicCredentials.create(KEY.accessKeyId(), secret))
                .request(request).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.SIGNING_CLOCK, Clock.fixed(NOW.minusSeconds(10), ZoneOffset.UTC)))
                .request();
    }

    private static Map<String, List<String>> headersOf(SdkHttpRequest signed) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        headers.putIfAbsent("host", List.of(signed.host() + ":" + signed.port()));
        return headers;
    }

    private static Map<String, List<String>> lowerCased(Map<String, String> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), List.of(v)));
        return out;
    }
}
