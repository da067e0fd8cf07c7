package dev.torpor.checkpoint.criu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The page each thread's stack pointer is in, and the one below it (the x86-64 red zone): CRIU needs these before
 * the lazy-pages daemon is connected, so they are never lazy (CRIU's is_stack() at dump time).
 */
final class StackPages {
    private static final int TASK_DEAD = 2;

    private StackPages() {}

    // core_entry: tc = 3 (task_state = 1), thread_info (x86-64) = 2 with gpregs = 2 and sp = 20.
    static Set<Long> of(Path imageDir) {
        Set<Long> pages = new TreeSet<>();
        try (Stream<Path> cores = Files.list(imageDir)) {
            for (Path core : cores.filter(p -> p.getFileName().toString().matches("core-\\d+\\.img")).toList()) {
                CriuImageFile img = CriuImageFile.read(core, CriuImageFile.CORE);
                if (img.entries().isEmpty()) continue;
                ProtoFields entry = ProtoFields.parse(img.entries().getFirst());
                boolean zombie = entry.message(3).flatMap(tc -> tc.varint(1)).orElse(0L) == TASK_DEAD;
                Optional<Long> sp = entry.message(2).flatMap(ti -> ti.message(2)).flatMap(regs -> regs.varint(20));
                if (zombie) continue;
                long page = sp.orElseThrow(() -> CriuImageFile.malformed(core, "no x86-64 stack pointer")) & -PagemapEntry.PAGE_SIZE;
                pages.add(page);
                pages.add(page - PagemapEntry.PAGE_SIZE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }
}
