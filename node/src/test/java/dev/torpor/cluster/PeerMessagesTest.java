package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.checkpoint.Recipe;
import dev.torpor.function.FunctionDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What one node sends another is checked as a caller's request is: a peer's word is no better. */
class PeerMessagesTest {
    private static final byte[] ZIP = {1};
    private static final Compatibility.Origin ORIGIN = new Compatibility.Origin(1, "x86_64", "4.2");

    @Test
    void theAuditsReplicaIsRefused() {
        assertInvalid(() -> new Replica(definition(-5, 0, Map.of("A=B\nC", "x")), ZIP).validated(), "memorySize");
        assertInvalid(() -> new Replica(definition(128, 0, Map.of()), ZIP).validated(), "timeout");
        assertInvalid(() -> new Replica(definition(128, 3, Map.of("A=B\nC", "x")), ZIP).validated(), "A=B\nC");
    }

    @Test
    void aReplicaNeedsDefinitionAndCode() {
        assertInvalid(() -> new Replica(null, ZIP).validated(), "definition");
        assertInvalid(() -> new Replica(definition(128, 3, Map.of()), new byte[0]).validated(), "code");
        Replica fine = new Replica(definition(128, 3, Map.of("GREETING", "hi")), ZIP);
        assertThat(fine.validated()).isSameAs(fine);
    }

    @Test
    void offersAndCommitsWithMissingOrNegativeFieldsAreRefused() {
        assertInvalid(() -> new MigrationOffer(null, "sha", 1, ORIGIN).validated(), "functionName");
        assertInvalid(() -> new MigrationOffer("fn", "sha", -1, ORIGIN).validated(), "memoryBytes");
        assertInvalid(() -> new MigrationOffer("fn", "sha", 1, null).validated(), "origin");
        assertInvalid(() -> new BackupOffer("../fn", "sha", List.of()).validated(), "functionName");
        assertInvalid(() -> new BackupOffer("fn", "sha", null).validated(), "chunks");
        assertInvalid(() -> new BackupCommit("edge-a", definition(128, 3, Map.of()), new Recipe(List.of()), null, 0).validated(),
                "manifest");
        assertInvalid(() -> new BackupCommit(" ", definition(128, 3, Map.of()), new Recipe(List.of()), null, 0).validated(),
                "owner");
        assertThat(new MigrationOffer("fn", "sha", 0, ORIGIN).validated().function()).isEqualTo("fn");
        assertThat(new BackupOffer("fn", "sha", List.of()).validated().function()).isEqualTo("fn");
    }

    private static void assertInvalid(Executable call, String message) {
        TorporException e = catchThrowableOfType(TorporException.class, call::execute);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).contains(message);
    }

    private static FunctionDefinition definition(int memoryMiB, int timeout, Map<String, String> env) {
        return new FunctionDefinition("victim", "provided.al2023", "handler", "", memoryMiB, timeout, env, Map.of(),
                FunctionDefinition.UNRESERVED, "sha", 1, 1, "r", Instant.EPOCH);
    }
}
