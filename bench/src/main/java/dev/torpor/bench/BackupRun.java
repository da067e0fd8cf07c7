package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.bench.Results.BackupCopy;
import dev.torpor.bench.Results.BackupSeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backups of a function whose memory barely changes: one running function per size on edge-a, tagged to be backed up
 * to edge-b every {@code intervalMs}, all at once. edge-b lists the newest copy of each instance at
 * {@code GET /torpor/v1/backups} (sequence, image bytes, bytes shipped); the run polls it, records every copy, and
 * invokes the function once after each, so its counter (and little else) changes between copies. A function is
 * deleted on both nodes once its last wanted copy is in, so its backups stop weighing on the others'.
 */
final class BackupRun {
    /** Polling the peer's list this often sees every copy: copies are at least an interval (≥ 200 ms) apart. */
    private static final long POLL_MS = 10;

    final List<BackupSeries> series = new ArrayList<>();

    void run(NodePair nodes, List<Integer> sizesMb, int copies, long intervalMs, Map<Integer, Integer> limitsMiB) throws Exception {
        TorporApi a = nodes.api(NodePair.A), b = nodes.api(NodePair.B);
        Counters counters = new Counters();
        Map<String, Series> byInstance = new LinkedHashMap<>();
        for (int size : sizesMb) {
            String fn = "b" + size;
            a.create(fn, limitsMiB.get(size), size, "none", 0, Map.of("torpor:backup", NodePair.B,
                    "torpor:backup-interval-ms", Long.toString(intervalMs)));
            Answer first = counters.check(fn, a.answer(fn));
            if (!first.correct()) throw new BenchException(fn + " first answered count " + first.count());
            byInstance.put(a.instanceOf(fn).get("instanceId").asText(), new Series(size, fn));
        }
        Progress.say("backup: %d functions on %s backed up to %s every %d ms, until copy %d of each", sizesMb.size(),
                NodePair.A, NodePair.B, intervalMs, copies);
        // Generous: a copy of the largest function takes seconds on a loaded 2-core machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).plusMillis(copies * Math.max(intervalMs, 5000)).toNanos();
        while (byInstance.values().stream().anyMatch(s -> !s.done)) {
            if (System.nanoTime() > deadline) {
                for (Series s : byInstance.values()) if (!s.done) s.stop("only " + s.copies.size() + " copies within the run's deadline");
                break;
            }
            for (JsonNode rec : b.backups()) {
                Series s = byInstance.get(rec.get("instanceId").asText());
                long seq = rec.get("seq").asLong();
                if (s == null || s.done || seq <= s.lastSeq) continue;
                if (seq > s.lastSeq + 1 && s.error == null) {
                    s.error = "copies " + (s.lastSeq + 1) + "–" + (seq - 1) + " were replaced before the bench saw them";
                }
                s.lastSeq = seq;
                BackupCopy c = new BackupCopy(seq, rec.get("imageBytes").asLong(), rec.get("shippedBytes").asLong(),
                        rec.get("committedAt").asText());
                s.copies.add(c);
                String answered;
                try {
                    Answer after = counters.check(s.function, a.answer(s.function));
                    s.answers++;
                    if (after.correct()) s.correct++;
                    answered = "count " + after.count() + (after.correct() ? "" : " WRONG ANSWER");
                } catch (Exception e) {
                    answered = "no answer: " + e.getMessage();
                }
                Progress.say("backup %3d MB copy %2d: image %s, shipped %s (%s of it); then %s", s.sizeMb, seq,
                        Report.bytes(c.imageBytes()), Report.bytes(c.shippedBytes()), Report.percent(c.shippedBytes(), c.imageBytes()), answered);
                if (seq >= copies) {
                    s.done = true;
                    a.delete(s.function);
                    b.delete(s.function);
                }
            }
            Thread.sleep(POLL_MS);
        }
        for (var e : byInstance.entrySet()) {
            Series s = e.getValue();
            series.add(new BackupSeries(s.sizeMb, e.getKey(), List.copyOf(s.copies), s.answers, s.correct, s.error));
        }
    }

    /** What one function's backups showed so far. */
    private static final class Series {
        final int sizeMb;
        final String function;
        final List<BackupCopy> copies = new ArrayList<>();
        long lastSeq;
        int answers, correct;
        boolean done;
        String error;

        Series(int sizeMb, String function) {
            this.sizeMb = sizeMb;
            this.function = function;
        }

        void stop(String why) {
            done = true;
            error = error == null ? why : error + "; " + why;
        }
    }
}
