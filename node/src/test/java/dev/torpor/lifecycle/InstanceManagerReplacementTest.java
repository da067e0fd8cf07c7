package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import org.junit.jupiter.api.RepeatedTest;

/** An invocation queued behind an instance that crashes gets a fresh one, as Lambda gives it, not an error. */
class InstanceManagerReplacementTest extends InstanceManagerFixture {

    /** The next invocation claims the instance before its exit is told, while it is BUSY still. */
    @RepeatedTest(5)
    void theInvocationAfterACrashIsServedByAFreshInstance() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, IDLE_MS);
        assertThat(invoke(fn, FakeFunction.ANSWER_THEN_EXIT)).isEqualTo(FakeFunction.ANSWER_THEN_EXIT + "#1");

        assertThat(invoke(fn, "b")).as("not '… is FAILED'").isEqualTo("b#1");
        assertThat(runtime.count(FakeContainerRuntime.Verb.START)).isEqualTo(2);
    }
}
