package dev.torpor.bench;

import dev.torpor.bench.Results.ImageSize;
import dev.torpor.bench.Results.MemorySample;
import dev.torpor.bench.Results.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suspend/wake/memory/size part: every system through the same cycle, interleaved (see {@link Schedule}). One
 * cycle, on the long-lived function of one size: memory running → pause → memory paused → wake (unpause) →
 * checkpoint → memory checkpointed, image size → wake (restore) → cold start of a second instance.
 */
final class LatencyRun {
    final List<Sample> samples = new ArrayList<>();
    final List<MemorySample> memory = new ArrayList<>();
    final List<ImageSize> sizes = new ArrayList<>();
    /** Systems that failed, with the error that ended their run. */
    final Map<String, String> failures = new LinkedHashMap<>();

    void run(List<Subject> subjects, List<Integer> sizesMb, int rounds) {
        for (Subject s : subjects) {
            for (int size : sizesMb) {
                if (failures.containsKey(s.name())) break;
                try {
                    s.deploy(size);
                    Progress.say("deployed %s, %d MB", Report.systemName(s.name()), size);
                } catch (Exception | AssertionError e) {
                    fail(s, "deploying the " + size + " MB function", e);
                }
            }
        }
        List<Schedule.Step<Subject>> steps = Schedule.interleaved(rounds, sizesMb, subjects);
        int i = 0;
        for (Schedule.Step<Subject> step : steps) {
            i++;
            Subject s = step.system();
            if (failures.containsKey(s.name())) continue;
            try {
                String line = cycle(s, step.sizeMb(), step.round());
                Progress.say("%3d/%d round %d/%d %3d MB %-8s %s", i, steps.size(), step.round(), rounds, step.sizeMb(), s.name(), line);
            } catch (Exception | AssertionError e) {
                fail(s, "round " + step.round() + ", " + step.sizeMb() + " MB", e);
            }
        }
    }

    private String cycle(Subject s, int size, int round) throws Exception {
        String sys = s.name();
        mem(s, size, "running", round);

        double pause = s.pause(size);
        sample(sys, size, Results.PAUSE, round, pause, true, null);
        mem(s, size, "paused", round);

        Answer unpause = s.wakeFromPause(size);
        sample(sys, size, Results.WAKE_UNPAUSE, round, unpause.ms(), unpause.correct(), note(unpause));

        double ckpt = s.checkpoint(size);
        sample(sys, size, Results.CHECKPOINT, round, ckpt, true, null);
        mem(s, size, "checkpointed", round);
        ImageSizer.Size img = ImageSizer.measure(s.imageDir(size), round == 1);
        sizes.add(new ImageSize(sys, size, round, img.rawBytes(), img.zstdBytes(), img.files(), img.zstdMs()));

        Answer restore = s.wakeFromCheckpoint(size);
        String restoreNote = s.takeNote();
        sample(sys, size, Results.WAKE_RESTORE, round, restore.ms(), restore.correct(),
                restoreNote != null ? restoreNote : note(restore));

        Answer cold = s.coldStart(size, round);
        sample(sys, size, Results.WAKE_COLD, round, cold.ms(), cold.correct(), "state lost: a new instance" + (cold.correct() ? "" : ", " + note(cold)));

        for (var e : s.internalTimings(size).entrySet()) {
            if (!Double.isNaN(e.getValue())) sample(sys, size, e.getKey(), round, e.getValue(), true, null);
        }
        return String.format(Locale.ROOT, "pause %s, unpause+answer %s, checkpoint %s (%s), restore+answer %s, cold+answer %s ms%s",
                Report.ms(pause), Report.ms(unpause.ms()), Report.ms(ckpt), Report.mib(img.rawBytes()), Report.ms(restore.ms()),
                Report.ms(cold.ms()), unpause.correct() && restore.correct() && cold.correct() ? "" : "  WRONG ANSWER");
    }

    private static String note(Answer a) {
        return a.correct() ? null : "unexpected counter " + a.count();
    }

    private void sample(String sys, int size, String measure, int round, double ms, boolean correct, String note) {
        samples.add(new Sample(sys, size, measure, round, ms, correct, note));
    }

    private void mem(Subject s, int size, String state, int round) throws Exception {
        Cgroups.Memory m = s.memory(size, state);
        memory.add(new MemorySample(s.name(), size, state, round, m.usageBytes(), m.rssBytes(), m.exists()));
    }

    private void fail(Subject s, String where, Throwable e) {
        String why = where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        failures.put(s.name(), why);
        Progress.say("%s FAILED (%s); it is reported as failed and not measured further", Report.systemName(s.name()), why);
    }
}
