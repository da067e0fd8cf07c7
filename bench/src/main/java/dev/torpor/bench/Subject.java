package dev.torpor.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One system under test, holding one long-lived function per size. The harness drives every system through the
 * same cycle; a subject only knows how to do each step on its platform and checks each answer's counter.
 */
abstract class Subject implements AutoCloseable {
    private final Counters counters = new Counters();
    /** Something the last step did that a reader of its sample should know (a retry), or null. */
    protected String note;

    String takeNote() {
        String n = note;
        note = null;
        return n;
    }

    abstract String name();

    /** Starts the long-lived function(s) of this size and has them answer a first event. */
    abstract void deploy(int sizeMb) throws Exception;

    /** Freezes the function; the time it took, in ms. */
    abstract double pause(int sizeMb) throws Exception;

    /** Delivers an event to the paused function: unpause, then the answer. */
    abstract Answer wakeFromPause(int sizeMb) throws Exception;

    /** Checkpoints the function to disk, freeing its memory; the time it took, in ms. */
    abstract double checkpoint(int sizeMb) throws Exception;

    /** The image the last {@link #checkpoint} wrote. */
    abstract Path imageDir(int sizeMb) throws Exception;

    /** Delivers an event to the checkpointed function: restore, then the answer. */
    abstract Answer wakeFromCheckpoint(int sizeMb) throws Exception;

    /** Starts a new instance of the function for one event, then removes it (untimed). Its state starts afresh. */
    abstract Answer coldStart(int sizeMb, int round) throws Exception;

    /** Memory of the function in {@code state} (running, paused, checkpointed), read from its cgroup. */
    abstract Cgroups.Memory memory(int sizeMb, String state) throws Exception;

    /** The platform's own timings of the operations since the last call (Torpor's lifecycle timers); ms. */
    Map<String, Double> internalTimings(int sizeMb) throws Exception {
        return Map.of();
    }

    @Override
    public abstract void close();

    /** Marks an answer correct when its counter is one past the last answer of the same function. */
    protected Answer counted(String function, Answer a) {
        return counters.check(function, a);
    }
}
