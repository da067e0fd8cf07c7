package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.bench.Results.BackupCopy;
import dev.torpor.bench.Results.BackupSeries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backups of a function whose memory barely changes: one running function per size on edge-a, tagged to be backed up
 * to edge-b every {@code intervalMs}, all at once, each getting an event every {@link #EVENT_EVERY_MS} meanwhile, so
 * its counter (and little else) changes between copies. edge-b lists the newest copy of each instance at
 * {@code GET /torpor/v1/backups} (sequence, image bytes, bytes shipped); the run polls it and records every copy. A
 * function is deleted on both nodes once its last wanted copy is in, so its backups stop weighing on the others'.
 */
final class BackupRun {
    /** Polling the peer's list this often sees every copy: copies are at least an interval (≥ 200 ms) apart. */
    private static final long POLL_MS = 10;
    /**
     * Events arrive on a timer of their own rather than after each copy: a copy's dump can start as soon as the one
     * before is committed, before an event sent on seeing that commit is answered, so some copies would follow an event
     * and some none. A backup takes a second or more here, so every copy after the first follows several events.
     */
    static final long EVENT_EVERY_MS = 250;

    final List<BackupSeries> series = new ArrayList<>();

    void run(NodePair nodes, List<Integer> sizesMb, int copies, long intervalMs, Map<Integer, Integer> limitsMiB) throws Exception {
        TorporApi a = nodes.api(NodePair.A), b = nodes.api(NodePair.B);
        Map<String, Series> byInstance = new LinkedHashMap<>();
        try {
            for (int size : sizesMb) {
                Series s = new Series(size, "b" + size);
                a.create(s.function, limitsMiB.get(size), size, "none", 0, Map.of("torpor:backup", NodePair.B,
                        "torpor:backup-interval-ms", Long.toString(intervalMs)));
                s.event(a);
                if (s.correct.get() != 1) throw new BenchException(s.function + " did not answer its first event right: " + s.eventError);
                byInstance.put(a.instanceOf(s.function).get("instanceId").asText(), s);
            }
            Progress.say("backup: %d functions on %s backed up to %s every %d ms, an event every %d ms each, until copy %d",
                    sizesMb.size(), NodePair.A, NodePair.B, intervalMs, EVENT_EVERY_MS, copies);
            for (Series s : byInstance.values()) s.startEvents(a);
            collect(a, b, byInstance, copies, intervalMs);
        } finally {
            for (Series s : byInstance.values()) s.stopEvents();
        }
        for (var e : byInstance.entrySet()) {
            Series s = e.getValue();
            String error = s.eventError == null ? s.error : (s.error == null ? "" : s.error + "; ") + "an event failed: " + s.eventError;
            series.add(new BackupSeries(s.sizeMb, e.getKey(), List.copyOf(s.copies), s.answers.get(), s.correct.get(), error));
        }
    }

    /** Polls the peer's list until every function has its last wanted copy, or the run's deadline passes. */
    private static void collect(TorporApi a, TorporApi b, Map<String, Series> byInstance, int copies, long intervalMs) throws Exception {
        // Generous: a copy of the largest function took up to 18 s on a loaded 2-core machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).plusMillis(copies * Math.max(intervalMs, 15_000)).toNanos();
        while (byInstance.values().stream().anyMatch(s -> !s.done)) {
            if (System.nanoTime() > deadline) {
                for (Series s : byInstance.values()) if (!s.done) s.stop("only " + s.copies.size() + " copies within the run's deadline");
                return;
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
                int right = s.correct.get(), answered = s.answers.get();
                Progress.say("backup %3d MB copy %2d: image %s, shipped %s (%s of it); %d events answered so far, %d right",
                        s.sizeMb, seq, Report.bytes(c.imageBytes()), Report.bytes(c.shippedBytes()),
                        Report.percent(c.shippedBytes(), c.imageBytes()), answered, right);
                if (seq >= copies) {
                    s.stop(null);
                    s.stopEvents();
                    a.delete(s.function);
                    b.delete(s.function);
                }
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** What one function's backups showed so far, and the events it answered meanwhile. */
    private static final class Series {
        final int sizeMb;
        final String function;
        final List<BackupCopy> copies = new ArrayList<>();
        final Counters counters = new Counters();
        final AtomicInteger answers = new AtomicInteger(), correct = new AtomicInteger();
        long lastSeq;
        volatile boolean done;
        String error;
        volatile String eventError;
        private Thread events;

        Series(int sizeMb, String function) {
            this.sizeMb = sizeMb;
            this.function = function;
        }

        /** One event, counted once answered; a reader that reads the right ones first never sees more right than answered. */
        void event(TorporApi a) throws InterruptedException {
            boolean right = false;
            try {
                right = counters.check(function, a.answer(function)).correct();
            } catch (IOException | RuntimeException e) {
                if (eventError == null) eventError = e.getMessage();
            }
            answers.incrementAndGet();
            if (right) correct.incrementAndGet();
        }

        void startEvents(TorporApi a) {
            events = Thread.ofVirtual().name("events-" + function).start(() -> {
                try {
                    while (!done) {
                        Thread.sleep(EVENT_EVERY_MS);
                        if (!done) event(a);
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            });
        }

        /** Lets an event in flight finish, so that deleting the function does not count as a failed answer. */
        void stopEvents() throws InterruptedException {
            done = true;
            if (events != null) events.join();
        }

        void stop(String why) {
            done = true;
            if (why != null) error = error == null ? why : error + "; " + why;
        }
    }
}
