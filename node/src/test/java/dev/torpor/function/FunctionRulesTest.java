package dev.torpor.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one check of a definition, whoever sends it: the audit's replica values among what it refuses. */
class FunctionRulesTest {
    @Test
    void aDefinitionLambdaWouldStorePassesUnchanged() {
        FunctionDefinition fn = definition("fn", 128, 3, Map.of("GREETING", "hi"), Map.of("torpor:suspend", "none"));

        assertThat(FunctionRules.validated(fn)).isSameAs(fn);
        assertThat(FunctionRules.validated(definition("fn", 10240, 900, Map.of(), Map.of()))).isNotNull();
    }

    /** Lambda's name pattern [a-zA-Z0-9-_]+ allows all-digit names, and so must Torpor: a name that deploys there deploys here. */
    @ParameterizedTest
    @ValueSource(strings = {"12345", "123456789012", "0", "_-_"})
    void namesOfDigitsOrPunctuationAloneAreNamesLambdaAccepts(String name) {
        assertThat(FunctionRules.validated(definition(name, 128, 3, Map.of(), Map.of())).name()).isEqualTo(name);
    }

    @Test
    void theAuditsReplicaIsRefusedForEachOfItsValues() {
        assertRefused(definition("victim", -5, 30, Map.of(), Map.of()), "Value '-5' at 'memorySize'");
        assertRefused(definition("victim", 128, 0, Map.of(), Map.of()), "Value '0' at 'timeout'");
        assertRefused(definition("victim", 128, 30, Map.of("A=B\nC", "x"), Map.of()), "Environment variable name 'A=B\nC'");
    }

    @Test
    void eachFieldKeepsLambdasBounds() {
        assertRefused(definition("fn", 10241, 3, Map.of(), Map.of()), "less than or equal to 10240");
        assertRefused(definition("fn", 128, 901, Map.of(), Map.of()), "less than or equal to 900");
        assertRefused(definition("a/b", 128, 3, Map.of(), Map.of()), "at 'functionName'");
        assertRefused(definition("fn", 128, 3, Map.of("AWS_REGION", "x"), Map.of()), "reserved keys");
        assertRefused(definition("fn", 128, 3, Map.of("BIG", "x".repeat(4096)), Map.of()), "4KB");
        assertRefused(definition("fn", 128, 3, Map.of(), Map.of("torpor:suspend", "sometimes")), "torpor:suspend");
        assertRefused(definition("fn", 128, 3, Map.of(), Map.of("k", "v".repeat(257))), "at 'tags'");
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 51; i++) tooMany.put("t" + i, "v");
        assertRefused(definition("fn", 128, 3, Map.of(), tooMany), "at most 50 tags");
    }

    @Test
    void theNetworkTagIsNoneOrOutboundAndNoneByDefault() {
        assertThat(FunctionRules.validated(definition("fn", 128, 3, Map.of(), Map.of("torpor:network", "Outbound")))
                .networkMode()).isEqualTo(NetworkMode.OUTBOUND);
        assertThat(definition("fn", 128, 3, Map.of(), Map.of()).networkMode()).isEqualTo(NetworkMode.NONE);
        assertRefused(definition("fn", 128, 3, Map.of(), Map.of("torpor:network", "inbound")),
                "Tag torpor:network must be none or outbound, not 'inbound'");
    }

    @Test
    void aTorporTagTorporDoesNotKnowIsRefusedNamingTheOnesItDoes() {
        assertRefused(definition("fn", 128, 3, Map.of(), Map.of("torpor:netwrok", "outbound")),
                "Tag torpor:netwrok is not one Torpor knows: its tags are torpor:backup, torpor:backup-interval-ms, "
                        + "torpor:idle-ms, torpor:mqtt-qos, torpor:mqtt-reply-topic, torpor:mqtt-topic, torpor:network, "
                        + "torpor:schedule, torpor:schedule-time-zone, torpor:suspend");
        assertThat(FunctionRules.validated(definition("fn", 128, 3, Map.of(), Map.of("team:torpor", "x", "torporish", "y"))))
                .as("tags outside the torpor: namespace are the user's own").isNotNull();
    }

    @Test
    void runtimeHandlerDescriptionAndConcurrencyToo() {
        FunctionDefinition ok = definition("fn", 128, 3, Map.of(), Map.of());

        assertRefused(new FunctionDefinition("fn", "ruby3.3", "h", "", 128, 3, Map.of(), Map.of(), -1, "", 0, 1, "r",
                Instant.EPOCH), "Runtime ruby3.3 is not supported");
        assertRefused(new FunctionDefinition("fn", ok.runtime(), "has space", "", 128, 3, Map.of(), Map.of(), -1, "", 0, 1,
                "r", Instant.EPOCH), "at 'handler'");
        assertRefused(new FunctionDefinition("fn", ok.runtime(), "h", "d".repeat(257), 128, 3, Map.of(), Map.of(), -1, "", 0,
                1, "r", Instant.EPOCH), "at 'description'");
        assertRefused(ok.withReservedConcurrency(-2, Instant.EPOCH), "at 'reservedConcurrentExecutions'");
        assertThat(FunctionRules.validated(new FunctionDefinition("fn", "provided", null, null, 128, 3, Map.of(), Map.of(),
                0, "", 0, 1, "r", Instant.EPOCH))).as("handler and description are optional for custom runtimes").isNotNull();
    }

    private static void assertRefused(FunctionDefinition fn, String message) {
        TorporException e = catchThrowableOfType(TorporException.class, () -> FunctionRules.validated(fn));

        assertThat(e).as("refused: " + fn).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).contains(message);
    }

    private static FunctionDefinition definition(String name, int memoryMiB, int timeout, Map<String, String> env,
                                                 Map<String, String> tags) {
        return new FunctionDefinition(name, "provided.al2023", "bootstrap.handler", "", memoryMiB, timeout, env, tags,
                FunctionDefinition.UNRESERVED, "", 0, 1, "r", Instant.EPOCH);
    }
}
