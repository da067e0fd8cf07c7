package dev.torpor.api.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UpdateFunctionCodeRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void decodesTheZipAndItsRevisionIdAndIgnoresDryRun() throws Exception {
        byte[] zip = "new code".getBytes(UTF_8);
        String body = """
                {"ZipFile":"%s","Publish":false,"DryRun":false,"RevisionId":"r1"}"""
                .formatted(Base64.getEncoder().encodeToString(zip));

        UpdateFunctionCodeRequest r = JSON.readValue(body, UpdateFunctionCodeRequest.class).validated();

        assertThat(r.zipFile()).isEqualTo(zip);
        assertThat(r.architectures()).containsExactly(NodeArchitecture.CURRENT);
        assertThat(r.revisionId()).isEqualTo("r1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                   | Please provide a source for function code: ZipFile is required
            {"S3Bucket":"b","S3Key":"k"}         | Torpor does not fetch code from S3: send the zip itself as ZipFile
            {"ImageUri":"repo/img:2"}            | Container images are not supported yet
            {"ZipFile":"AA==","Architectures":["sparc"]} | Architectures [sparc] cannot run on this node
            """)
    void refusesCodeItCannotTake(String body, String message) throws Exception {
        UpdateFunctionCodeRequest request = JSON.readValue(body, UpdateFunctionCodeRequest.class);

        TorporException e = catchThrowableOfType(TorporException.class, request::validated);

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).contains(message);
    }
}
