package dev.torpor.bench;

import dev.torpor.bench.Results.BackupCopy;
import dev.torpor.bench.Results.BackupSeries;
import dev.torpor.bench.Results.Migration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The Migration and Backup tables, rendered from a {@link Results} alone, like the rest of the {@link Report}. */
final class ClusterReport {
    static final String MIGRATION = "migration", BACKUP = "backup";

    private ClusterReport() {}

    /** Both tables under a heading each, as the console shows them at the end of a run. */
    static String tables(Results r) {
        return "Migration (ms: median (p95))\n\n" + migrationTable(r) + "\nBackup\n\n" + backupTable(r);
    }

    /** The report's Migration and Backup sections: how each was measured, then its table. */
    static String sections(Results r) {
        var s = r.settings();
        return String.format(Locale.ROOT, """
                ## Migration

                Two nodes as deployed, each the node jar in a JVM of its own with the launcher's options: edge-a on 127.0.0.2, \
                edge-b on 127.0.0.3. One running function per size and migration (suspend policy none), all deployed on edge-a; \
                each round moves every one of them to the other node with `POST /torpor/v1/instances/{id}/migrate` \
                (`{"target", "mode", "compress"}`), so each goes a→b, then b→a; rounds interleave sizes and migrations. \
                *total* and *frozen* are the node's own report (frozen: from the start of the checkpoint until the target \
                confirmed the restore: the function's downtime), *call* the API call's round trip, *first answer* the \
                invocation right after the move, on the node that then holds the function; *image* is the checkpoint, \
                *sent* the bytes on the wire. Every answer after a move must continue the counter. Median (p95) over %d \
                rounds, of the moves the node made as asked.

                %s
                ## Backup

                One running function per size on edge-a tagged `torpor:backup=edge-b`, `torpor:backup-interval-ms=%d`, all \
                backed up at once; edge-b's `GET /torpor/v1/backups` gives each copy's image and the bytes it shipped. Each \
                function gets an event every %d ms meanwhile, so its counter, and little else, changes between copies (a \
                copy takes a second or more, so several events come between two). Chunks (4 KiB for page data) are named \
                by their SHA-256 and travel only when the peer lacks them; the peer's store is shared by every function, \
                so a first backup ships only what no earlier copy of any function brought.

                %s
                """, s.migrationRounds(), migrationTable(r), s.backupIntervalMs(), BackupRun.EVENT_EVERY_MS, backupTable(r));
    }

    /**
     * One row per size and variant; times are median (p95) over the moves that did what was asked. A variant the node
     * refused or did otherwise is a FAILED row with the node's own words, never a number of something else.
     */
    static String migrationTable(Results r) {
        StringBuilder md = new StringBuilder();
        broken(r, MIGRATION, md);
        if (r.migrations().isEmpty()) return md.append(r.brokenParts().containsKey(MIGRATION) ? "" : "Migration: not run.\n").toString();
        md.append(Report.header("function holds", List.of("migration", "total ms", "frozen ms", "call ms", "first answer ms",
                "image", "sent", "moves as asked", "failures")));
        for (int size : r.settings().migrationSizesMb()) {
            for (MigrationRun.Variant v : MigrationRun.VARIANTS) {
                List<Migration> all = r.migrations(size, v.mode(), v.compress());
                if (all.isEmpty()) continue;
                List<Migration> ok = all.stream().filter(Migration::ok).toList();
                long wrong = all.stream().filter(m -> !m.correct()).count();
                md.append(Report.row(size + " MB", List.of(v.label(),
                        Report.latencyCell(Stats.of(values(ok, Migration::totalMs))),
                        Report.latencyCell(Stats.of(values(ok, Migration::frozenMs))),
                        Report.latencyCell(Stats.of(values(ok, Migration::callMs))),
                        Report.latencyCell(Stats.of(values(ok, Migration::answerMs))),
                        Report.bytes(Stats.median(values(ok, m -> m.imageBytes().doubleValue()))),
                        Report.bytes(Stats.median(values(ok, m -> m.wireBytes().doubleValue()))),
                        ok.size() + "/" + all.size() + (wrong == 0 ? "" : " (" + wrong + " wrong answers)"),
                        failures(all))));
            }
        }
        return md.toString();
    }

    /** Per size: the first copy's image, and what the 1st, 2nd and last wanted copy shipped. */
    static String backupTable(Results r) {
        StringBuilder md = new StringBuilder();
        broken(r, BACKUP, md);
        if (r.backups().isEmpty()) return md.append(r.brokenParts().containsKey(BACKUP) ? "" : "Backup: not run.\n").toString();
        int last = r.settings().backups();
        List<Long> shown = List.of(1L, 2L, (long) last);
        List<String> heads = new ArrayList<>(List.of("image"));
        for (long seq : shown) heads.add(ordinal(seq) + " backup shipped");
        heads.addAll(List.of("events meanwhile", "failures"));
        md.append(Report.header("function holds", heads));
        for (BackupSeries s : r.backups()) {
            List<String> cells = new ArrayList<>();
            cells.add(s.copies().isEmpty() ? "–" : Report.bytes(s.copies().getFirst().imageBytes()));
            for (long seq : shown) {
                Optional<BackupCopy> c = s.copies().stream().filter(x -> x.seq() == seq).findFirst();
                cells.add(c.map(x -> Report.bytes(x.shippedBytes()) + " (" + Report.percent(x.shippedBytes(), x.imageBytes()) + ")").orElse("missed"));
            }
            long wrong = s.answers() - s.correctAnswers();
            cells.add(s.correctAnswers() + "/" + s.answers() + " correct" + (wrong == 0 ? "" : " (" + wrong + " wrong)"));
            cells.add(s.error() == null ? "" : "**FAILED**: " + Report.oneLine(s.error()));
            md.append(Report.row(s.sizeMb() + " MB", cells));
        }
        return md.toString();
    }

    /** Each distinct error with how often it happened, the node's message as it came. */
    static String failures(List<Migration> all) {
        Map<String, Integer> errors = new LinkedHashMap<>();
        for (Migration m : all) if (!m.ok()) errors.merge(m.error(), 1, Integer::sum);
        if (errors.isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        errors.forEach((e, n) -> parts.add(n + "×: " + Report.oneLine(e)));
        return "**FAILED** " + String.join("; ", parts);
    }

    static String ordinal(long n) {
        String suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : switch ((int) (n % 10)) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static List<Double> values(List<Migration> ms, Function<Migration, Double> f) {
        return ms.stream().map(f).filter(java.util.Objects::nonNull).toList();
    }

    private static void broken(Results r, String part, StringBuilder md) {
        String why = r.brokenParts().get(part);
        if (why != null) md.append(String.format(Locale.ROOT, "**The %s run broke**: %s%n%n", part, Report.oneLine(why)));
    }
}
