package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.bench.Results.Migration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Migration between the two nodes of a {@link NodePair}: one running function per size and {@link Variant} (all
 * deployed on edge-a, suspend policy none), each moved to the other node once a round, so each variant goes a→b, then
 * b→a. Rounds are interleaved like the latency cycle's: every round moves every size in every variant in turn. After
 * each move the function is invoked on the node that holds it, and its counter must continue.
 */
final class MigrationRun {
    static final String STOP_AND_COPY = "stop-and-copy", POST_COPY = "post-copy";

    /** How an instance is moved; {@code key} names its function. */
    record Variant(String mode, boolean compress, String key) {
        String label() {
            return mode + (compress ? ", zstd" : ", uncompressed");
        }
    }

    static final List<Variant> VARIANTS = List.of(new Variant(STOP_AND_COPY, true, "stop-z"),
            new Variant(STOP_AND_COPY, false, "stop-raw"), new Variant(POST_COPY, true, "post-z"),
            new Variant(POST_COPY, false, "post-raw"));

    final List<Migration> samples = new ArrayList<>();
    private final Map<String, String> where = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final Counters counters = new Counters();

    static String function(int sizeMb, Variant v) {
        return "m" + sizeMb + "-" + v.key();
    }

    void run(NodePair nodes, List<Integer> sizesMb, int rounds, Map<Integer, Integer> limitsMiB) throws Exception {
        TorporApi a = nodes.api(NodePair.A);
        for (int size : sizesMb) {
            for (Variant v : VARIANTS) {
                String fn = function(size, v);
                a.create(fn, limitsMiB.get(size), size, "none", 0);
                Answer first = answer(a, fn);
                if (!first.correct()) throw new BenchException(fn + " first answered count " + first.count());
                where.put(fn, NodePair.A);
                ids.put(fn, a.instanceOf(fn).get("instanceId").asText());
            }
            Progress.say("migration: deployed %d functions of %d MB on %s", VARIANTS.size(), size, NodePair.A);
        }
        List<Schedule.Step<Variant>> steps = Schedule.interleaved(rounds, sizesMb, VARIANTS);
        int i = 0;
        for (Schedule.Step<Variant> step : steps) {
            Migration m = move(nodes, step.sizeMb(), step.system(), step.round());
            samples.add(m);
            Progress.say("migration %2d/%d round %d/%d %3d MB %-27s %s→%s: %s", ++i, steps.size(), step.round(), rounds,
                    step.sizeMb(), step.system().label(), m.from(), m.to(), line(m));
        }
    }

    private Migration move(NodePair nodes, int size, Variant v, int round) throws InterruptedException {
        String fn = function(size, v), id = ids.get(fn), from = where.get(fn), to = NodePair.other(from);
        String error = null, reportedMode = null;
        Long image = null, wire = null;
        Double total = null, frozen = null, call = null;
        try {
            TorporApi.Reply r = nodes.api(from).migrate(id, to, v.mode(), v.compress());
            call = r.ms();
            if (r.status() / 100 == 2) {
                JsonNode report = TorporApi.JSON.readTree(r.body());
                reportedMode = report.hasNonNull("mode") ? report.get("mode").asText() : null;
                error = modeProblem(v.mode(), reportedMode);
                image = report.path("imageBytes").asLong();
                wire = report.path("wireBytes").asLong();
                total = report.path("totalMillis").asDouble();
                frozen = report.path("frozenMillis").asDouble();
                where.put(fn, to);
            } else {
                error = "the node answered " + r.error();
                // A refused move leaves the instance where it was; a broken one may not have: ask the target.
                if (nodes.api(to).holds(id)) where.put(fn, to);
            }
        } catch (Exception e) {
            error = "migrate call failed: " + e;
        }
        Double answerMs = null;
        boolean correct = false;
        String note;
        try {
            Answer after = answer(nodes.api(where.get(fn)), fn);
            answerMs = after.ms();
            correct = after.correct();
            note = (correct ? "" : "WRONG ANSWER: ") + "count " + after.count() + " on " + where.get(fn);
        } catch (Exception e) {
            note = "no answer after the move: " + e.getMessage();
        }
        return new Migration(size, v.mode(), v.compress(), round, from, to, error, reportedMode, image, wire, total, frozen,
                call, answerMs, correct, note);
    }

    /**
     * Why the node's report does not show the move that was asked for, or null when it does. A node that predates
     * modes names none and always stops and copies: right for stop-and-copy, not post-copy.
     */
    static String modeProblem(String asked, String reported) {
        if (asked.equals(reported) || (reported == null && asked.equals(STOP_AND_COPY))) return null;
        if (reported == null) {
            return "the node moved it but its report names no mode: it ignores \"mode\" and stopped and copied, so this was not " + asked;
        }
        return "asked for " + asked + ", the node reports " + reported;
    }

    private Answer answer(TorporApi api, String fn) throws Exception {
        return counters.check(fn, api.answer(fn));
    }

    private static String line(Migration m) {
        String moved = m.totalMs() == null ? "" : String.format(Locale.ROOT, "total %s ms, frozen %s ms, image %s, sent %s; ",
                Report.ms(m.totalMs()), Report.ms(m.frozenMs()), Report.bytes(m.imageBytes()), Report.bytes(m.wireBytes()));
        String answered = m.answerMs() == null ? m.note() : "answer " + Report.ms(m.answerMs()) + " ms, " + m.note();
        return moved + answered + (m.ok() ? "" : "  FAILED: " + m.error());
    }
}
