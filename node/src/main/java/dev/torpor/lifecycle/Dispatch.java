package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.lifecycle.LifecycleObserver.Outcome;
import dev.torpor.runtimeapi.RuntimeApiRenderer;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Hands an event to a claimed, idle instance and waits for the answer within the function's Timeout. */
final class Dispatch {
    /** Lambda's LogResult: the last 4 KB of what the invocation printed. */
    static final int LOG_TAIL_BYTES = 4096;

    /** What the function answered and how its invocation ended. */
    record Answer(InvocationResult result, Outcome outcome) {}

    private final InstanceOperations ops;
    private final Clock clock;

    Dispatch(InstanceOperations ops, Clock clock) {
        this.ops = ops;
        this.clock = clock;
    }

    Answer run(LiveInstance inst, FunctionDefinition fn, Invocation arrived) throws InterruptedException {
        ops.transition(inst, LifecycleEvent.DISPATCH);
        long logFrom = arrived.tailLog() ? inst.log.position() : -1;
        Invocation inv = arrived.dispatchedAt(System.currentTimeMillis()); // the Timeout covers the handler alone
        inst.session.deliver(inv, inst.channel);
        long left = Math.max(1, inv.deadlineEpochMillis() - System.currentTimeMillis());
        try {
            InvocationResult result = inv.result().get(left, TimeUnit.MILLISECONDS);
            return new Answer(withLog(result, inst, logFrom), result.functionError() == null ? Outcome.OK : Outcome.FUNCTION_ERROR);
        } catch (TimeoutException e) {
            InvocationResult timedOut = RuntimeApiRenderer.timedOut(clock.instant(), inv.requestId(), fn.timeoutSeconds());
            inst.session.abandon(timedOut);
            // Like Lambda: a timed-out sandbox is torn down; the next event starts afresh.
            ops.lose(inst, StateLoss.Reason.TIMEOUT, "timed out after " + fn.timeoutSeconds() + " s; instance stopped");
            return new Answer(withLog(timedOut, inst, logFrom), Outcome.TIMEOUT);
        } catch (ExecutionException e) {
            // the event never reached the function (its relay channel closed): say so, as the session did
            if (e.getCause() instanceof TorporException t) throw t;
            throw new TorporException(ErrorKind.FAILED, "invocation failed", e.getCause());
        }
    }

    private static InvocationResult withLog(InvocationResult result, LiveInstance inst, long from) {
        return from < 0 ? result : result.withLogTail(inst.log.tailSince(from, LOG_TAIL_BYTES));
    }
}
