package dev.torpor.cli.demo;

import dev.torpor.api.InstanceView;
import dev.torpor.cli.client.Table;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.node.ByteSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the demo saw of each instance along the way, and the summary table made of it at the end. */
final class Scoreboard {
    private final Map<String, Seen> instances = new LinkedHashMap<>();

    private static final class Seen {
        final String function;
        int answers;
        int correct;
        final List<Duration> wakes = new ArrayList<>();
        long residentRunning;
        long image;

        Seen(String function) {
            this.function = function;
        }
    }

    /**
     * One answer of an instance. {@code before} is the state it was in when the event was sent (null when it did
     * not exist yet): an answer after a suspension measures a wake.
     */
    void answered(String instanceId, String function, InstanceState before, Counter.Answer answer) {
        Seen s = seen(instanceId, function);
        s.answers++;
        if (answer.correct()) s.correct++;
        if (before == InstanceState.CHECKPOINTED || before == InstanceState.PAUSED) s.wakes.add(answer.took());
    }

    /** Notes an instance's memory while it runs and the size of its checkpoint image. */
    void saw(InstanceView v) {
        Seen s = seen(v.instanceId(), v.function());
        if (v.state() != InstanceState.CHECKPOINTED) s.residentRunning = Math.max(s.residentRunning, v.residentMemoryBytes());
        s.image = Math.max(s.image, v.checkpointBytes());
    }

    int answers() {
        return instances.values().stream().mapToInt(s -> s.answers).sum();
    }

    int correct() {
        return instances.values().stream().mapToInt(s -> s.correct).sum();
    }

    /** One row per instance seen, in the order they were first seen; {@code now} is how they are at the end. */
    String table(List<InstanceView> now) {
        now.forEach(this::saw);
        Table t = new Table("INSTANCE", "FUNCTION", "STATES", "RESIDENT RUNNING → NOW", "CHECKPOINT", "WAKES",
                "MEDIAN WAKE", "CORRECT");
        instances.forEach((id, s) -> {
            InstanceView end = now.stream().filter(v -> v.instanceId().equals(id)).findFirst().orElse(null);
            Duration median = Durations.median(s.wakes);
            t.row(id, s.function,
                    end == null ? "(gone)" : StateHistory.compress(end.history()),
                    ByteSize.format(s.residentRunning) + " → " + (end == null ? "-" : ByteSize.format(end.residentMemoryBytes())),
                    s.image > 0 ? ByteSize.format(s.image) : "-",
                    s.wakes.size(),
                    median == null ? "-" : Durations.format(median),
                    (s.correct == s.answers ? "yes " : "no ") + s.correct + "/" + s.answers);
        });
        return t.render();
    }

    private Seen seen(String id, String function) {
        return instances.computeIfAbsent(id, k -> new Seen(function));
    }
}
