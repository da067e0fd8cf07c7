package dev.torpor.checkpoint.criu;

import static dev.torpor.checkpoint.criu.PagemapEntry.PAGE_SIZE;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_PRESENT;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Finds any page of a full image by process and address: the source's side of post-copy. */
public final class PageIndex implements AutoCloseable {
    private record Run(long end, long offset) {}

    private record Process(FileChannel pages, TreeMap<Long, Run> runs) {}

    private final Map<Long, Process> processes = new HashMap<>();

    public PageIndex(Path imageDir) {
        try (Stream<Path> files = Files.list(imageDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("pagemap-\\d+\\.img")).toList()) {
                String name = f.getFileName().toString();
                long pid = Long.parseLong(name.substring("pagemap-".length(), name.length() - ".img".length()));
                Pagemap map = Pagemap.read(f);
                TreeMap<Long, Run> runs = new TreeMap<>();
                long offset = 0;
                for (PagemapEntry e : map.entries()) {
                    if (!e.is(PE_PRESENT)) continue;
                    runs.put(e.vaddr(), new Run(e.end(), offset));
                    offset += e.nrPages() * PAGE_SIZE;
                }
                processes.put(pid, new Process(FileChannel.open(imageDir.resolve(map.pagesFileName())), runs));
            }
        } catch (IOException e) {
            close();
            throw new TorporException(ErrorKind.FAILED, "cannot open the pages of the image in " + imageDir + ": " + e.getMessage(), e);
        }
    }

    /** {@code count} pages of process {@code pid} from {@code vaddr} on; every one of them must be in the image. */
    public byte[] read(long pid, long vaddr, int count) {
        Process p = processes.get(pid);
        if (p == null) throw new TorporException(ErrorKind.NOT_FOUND, "the image has no process " + pid);
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(count, PAGE_SIZE));
        long addr = vaddr;
        try {
            while (out.hasRemaining()) {
                Map.Entry<Long, Run> r = p.runs().floorEntry(addr);
                if (r == null || addr >= r.getValue().end()) {
                    throw new TorporException(ErrorKind.NOT_FOUND, "the image has no page at 0x" + Long.toHexString(addr) + " of process " + pid);
                }
                int take = (int) Math.min(out.remaining(), r.getValue().end() - addr);
                ByteBuffer slice = out.slice(out.position(), take);
                long from = r.getValue().offset() + (addr - r.getKey());
                while (slice.hasRemaining()) {
                    if (p.pages().read(slice, from + slice.position()) < 0) throw new IOException("pages file ends early");
                }
                out.position(out.position() + take);
                addr += take;
            }
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read pages of process " + pid + ": " + e.getMessage(), e);
        }
        return out.array();
    }

    public List<Long> pids() {
        return List.copyOf(processes.keySet());
    }

    @Override
    public void close() {
        for (Process p : processes.values()) {
            try {
                p.pages().close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
