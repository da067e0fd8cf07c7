package dev.torpor.cluster;

import com.github.luben.zstd.Zstd;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.criu.CriuPageServer;
import dev.torpor.checkpoint.criu.PageIndex;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The source's side of post-copy: while a moved instance's pages are still here, the target asks for them by
 * process and address, and says when it has all of them (or gave up).
 */
public final class PageServing {
    /** Pages on the wire (zstd-compressed unless the move was asked not to be), with the raw pages' CRC32C. */
    public record Piece(byte[] body, boolean zstd, int rawLength, long crc32c) {}

    /** One instance's pages on offer: how many bytes were sent, and when the target is done with them. */
    static final class Offer {
        final PageIndex pages;
        final boolean compress;
        final AtomicLong wireBytes = new AtomicLong();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final long lazyBytes;
        private final AtomicLong rawBytes = new AtomicLong();

        Offer(PageIndex pages, boolean compress, long lazyBytes) {
            this.pages = pages;
            this.compress = compress;
            this.lazyBytes = lazyBytes;
        }

        /**
         * Whether the target may have every page by now: until as many bytes as there are lazy pages were served it
         * cannot, so a target that goes silent before holds no whole copy (a page asked twice only makes this true
         * sooner, the safe way).
         */
        boolean targetMayBeWhole() {
            return rawBytes.get() >= lazyBytes;
        }
    }

    private static final int ZSTD_LEVEL = 1;
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();

    /** {@code lazyBytes}: what the target is to pull, all told. */
    Offer open(String instanceId, Path fullImage, boolean compress, long lazyBytes) {
        Offer o = new Offer(new PageIndex(fullImage), compress, lazyBytes);
        offers.put(instanceId, o);
        return o;
    }

    void close(String instanceId) {
        Offer o = offers.remove(instanceId);
        if (o != null) o.pages.close();
    }

    public Piece read(String instanceId, long pid, long vaddr, int count) {
        if (count < 1 || count > CriuPageServer.PIECE_PAGES) throw TorporException.invalid("count must be 1.." + CriuPageServer.PIECE_PAGES);
        Offer o = offer(instanceId);
        byte[] raw = o.pages.read(pid, vaddr, count);
        CRC32C crc = new CRC32C();
        crc.update(raw);
        byte[] body = o.compress ? Zstd.compress(raw, ZSTD_LEVEL) : raw;
        o.wireBytes.addAndGet(body.length);
        o.rawBytes.addAndGet(raw.length);
        return new Piece(body, o.compress, raw.length, crc.getValue());
    }

    /** The target has every page ({@code error} null) or stopped pulling them. */
    public void finished(String instanceId, String error) {
        Offer o = offer(instanceId);
        if (error == null) o.done.complete(null);
        else o.done.completeExceptionally(new TorporException(ErrorKind.FAILED, error));
    }

    private Offer offer(String instanceId) {
        Offer o = offers.get(instanceId);
        if (o == null) throw TorporException.notFound("no pages of " + instanceId + " are on offer here");
        return o;
    }
}
