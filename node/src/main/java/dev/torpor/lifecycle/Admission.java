package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.LifecycleObserver.Throttle;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Whether an invocation may run now: a slot within its function's reserved concurrency, and memory in the budget for
 * the instance it wakes. Every refusal (a 429) is told to the observer as a throttle, with its reason.
 */
final class Admission {
    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
    private final MemoryRoom room;
    private final LifecycleObserver observer;
    private final Duration timeout;

    Admission(MemoryRoom room, LifecycleObserver observer, Duration timeout) {
        this.room = room;
        this.observer = observer;
        this.timeout = timeout;
    }

    /** An invocation's slot, held until closed. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits up to the admission timeout for a slot. */
    Slot enter(FunctionDefinition fn) throws InterruptedException {
        if (fn.maxInstances() == 0) {
            throw throttled(fn, Throttle.RESERVED_CONCURRENCY, "Rate Exceeded: " + fn.name() + " has a reserved concurrency of 0");
        }
        Semaphore free = slots.computeIfAbsent(fn.name() + "#" + fn.maxInstances(), k -> new Semaphore(fn.maxInstances(), true));
        if (!free.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw throttled(fn, Throttle.ADMISSION_TIMEOUT, "Rate Exceeded: all " + fn.maxInstances()
                    + " instance(s) of " + fn.name() + " stayed busy for " + timeout);
        }
        return free::release;
    }

    /** Reserves the memory of an instance an invocation wakes, making room as {@link MemoryRoom} does. */
    void reserve(LiveInstance inst, FunctionDefinition fn) throws InterruptedException {
        try {
            room.reserve(inst, fn.name());
        } catch (TorporException e) {
            if (e.kind() == ErrorKind.TOO_MANY_REQUESTS) observer.throttled(fn.name(), Throttle.MEMORY_BUDGET);
            throw e;
        }
    }

    TorporException throttled(FunctionDefinition fn, Throttle reason, String message) {
        observer.throttled(fn.name(), reason);
        return TorporException.throttled(message);
    }
}
