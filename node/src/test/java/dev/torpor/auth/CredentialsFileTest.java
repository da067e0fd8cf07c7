package dev.torpor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsFileTest {
    @Test
    void readsEveryProfileWithAKeyAndFindsASecretByKeyId() {
        CredentialsFile file = CredentialsFile.parse(List.of(
                "# the fleet's keys", "[ops]", "aws_access_key_id = AKIDOPS", "aws_secret_access_key=ops-secret",
                "", "[settings-only]", "region = eu-west-1", "[default]", "AWS_ACCESS_KEY_ID=AKIDDEF", "aws_secret_access_key = d"), "creds");
        assertThat(file.profiles().keySet()).containsExactly("ops", "default");
        assertThat(file.byKeyId("AKIDOPS")).contains(new Credentials("AKIDOPS", "ops-secret"));
        assertThat(file.byKeyId("AKIDNONE")).isEmpty();
        assertThat(file.own()).contains(new Credentials("AKIDDEF", "d"));
    }

    @Test
    void refusesAHalfKeyOrALineOutsideAProfile() {
        assertThatThrownBy(() -> CredentialsFile.parse(List.of("[p]", "aws_access_key_id = A"), "creds"))
                .hasMessageContaining("profile [p]");
        assertThatThrownBy(() -> CredentialsFile.parse(List.of("aws_access_key_id = A"), "creds")).hasMessageContaining("line 1");
    }

    @Test
    void theCliTakesKeysFromTheEnvironmentFirst() {
        assertThat(Credentials.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "e",
                "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"))).contains(new Credentials("AKIDENV", "e"));
        assertThat(Credentials.fromEnvironment(Map.of("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"))).isEmpty();
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(new Credentials("AKID", "very-secret").toString()).doesNotContain("very-secret");
    }
}
