package dev.torpor.checkpoint.criu;

import static dev.torpor.checkpoint.criu.PagemapEntry.PAGE_SIZE;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_LAZY;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_PRESENT;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cuts a full CRIU image into what must travel before a post-copy restore: every file as it is, except that the
 * pages CRIU may load lazily are marked {@code PE_LAZY} and left out of the pages files. That is the image CRIU
 * itself writes for {@code dump --lazy-pages}, which we cannot use here (its page server fails on this kernel); the
 * pages left out are served from the full image by {@link PageIndex}.
 */
public final class PostCopyImage {
    /** How much of the memory stays behind for the lazy-pages daemon to pull. */
    public record Split(long eagerPages, long lazyPages) {}

    private PostCopyImage() {}

    /** Writes the cut image of {@code full} into the empty directory {@code thin}; {@code skip} names files not to copy. */
    public static Split cut(Path full, Path thin, Set<String> skip) {
        Set<Long> stacks = StackPages.of(full);
        long eager = 0;
        long lazy = 0;
        try (Stream<Path> files = Files.list(full)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (skip.contains(name) || name.matches("pages-\\d+\\.img")) continue;
                if (!name.matches("pagemap-\\d+\\.img")) {
                    Files.createLink(thin.resolve(name), f); // same filesystem: nothing is copied
                    continue;
                }
                String pid = name.substring("pagemap-".length(), name.length() - ".img".length());
                Pagemap map = Pagemap.read(f);
                List<Slice> slices = mark(map.entries(), Vma.read(full.resolve("mm-" + pid + ".img")), stacks);
                copyEagerPages(full.resolve(map.pagesFileName()), slices, thin.resolve(map.pagesFileName()));
                map.withEntries(slices.stream().map(Slice::entry).toList()).write(thin.resolve(name));
                for (Slice s : slices) {
                    if (s.entry().is(PE_LAZY)) lazy += s.entry().nrPages();
                    else if (s.entry().is(PE_PRESENT)) eager += s.entry().nrPages();
                }
            }
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot cut the image in " + full + " for post-copy: " + e.getMessage(), e);
        }
        return new Split(eager, lazy);
    }

    /** An entry of the cut pagemap, and where its pages are in the full image's pages file (-1: not there). */
    record Slice(PagemapEntry entry, long fullOffset) {}

    /** Splits present entries at area bounds and kept stack pages; lazy runs lose PE_PRESENT, their pages stay behind. */
    static List<Slice> mark(List<PagemapEntry> entries, List<Vma> vmas, Set<Long> stacks) {
        List<Slice> out = new ArrayList<>();
        long offset = 0;
        for (PagemapEntry e : entries) {
            if (!e.is(PE_PRESENT)) {
                out.add(new Slice(e, -1));
                continue;
            }
            long runStart = e.vaddr();
            boolean runLazy = lazy(runStart, vmas, stacks);
            for (long page = e.vaddr() + PAGE_SIZE; page <= e.end(); page += PAGE_SIZE) {
                boolean pageLazy = page < e.end() && lazy(page, vmas, stacks);
                if (page < e.end() && pageLazy == runLazy) continue;
                int flags = runLazy ? (e.flags() & ~PE_PRESENT) | PE_LAZY : e.flags();
                out.add(new Slice(e.slice(runStart, page, flags), offset + (runStart - e.vaddr())));
                runStart = page;
                runLazy = pageLazy;
            }
            offset += e.nrPages() * PAGE_SIZE;
        }
        return out;
    }

    private static boolean lazy(long page, List<Vma> vmas, Set<Long> stacks) {
        if (stacks.contains(page)) return false;
        int lo = 0;
        int hi = vmas.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Vma v = vmas.get(mid);
            if (page < v.start()) hi = mid - 1;
            else if (page >= v.end()) lo = mid + 1;
            else return v.canBeLazy();
        }
        return false;
    }

    private static void copyEagerPages(Path fullPages, List<Slice> slices, Path thinPages) throws IOException {
        try (FileChannel in = FileChannel.open(fullPages);
             FileChannel out = FileChannel.open(thinPages, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Slice s : slices) {
                if (!s.entry().is(PE_PRESENT)) continue;
                long length = s.entry().nrPages() * PAGE_SIZE;
                for (long done = 0, n; done < length; done += n) {
                    n = in.transferTo(s.fullOffset() + done, length - done, out);
                    if (n == 0) throw new IOException(fullPages.getFileName() + " is shorter than its pagemap says");
                }
            }
        }
    }
}
