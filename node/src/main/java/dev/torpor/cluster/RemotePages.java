package dev.torpor.cluster;

import com.github.luben.zstd.Zstd;
import dev.torpor.checkpoint.criu.CriuPageServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/** The target's side of post-copy: pages pulled from the source node, checked before CRIU sees them. */
final class RemotePages implements CriuPageServer.PageSource {
    private static final System.Logger LOG = System.getLogger("torpor.migration");
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final long PROGRESS_STEP = 32L << 20;
    private final PeerClient peers;
    private final PeerNode source;
    private final String instanceId;
    private final AtomicLong pulled = new AtomicLong();
    private final Runnable lost;

    /** {@code lost} runs when a page cannot be had, before CRIU is told. */
    RemotePages(PeerClient peers, PeerNode source, String instanceId, Runnable lost) {
        this.lost = lost;
        this.peers = peers;
        this.source = source;
        this.instanceId = instanceId;
    }

    @Override
    public byte[] read(long pid, long vaddr, int count) throws IOException {
        try {
            return pull(pid, vaddr, count);
        } catch (IOException | RuntimeException e) {
            try {
                lost.run();
            } catch (RuntimeException dropping) {
                e.addSuppressed(dropping);
            }
            throw e;
        }
    }

    private byte[] pull(long pid, long vaddr, int count) throws IOException {
        HttpResponse<byte[]> r = peers.send(source, "GET", "/torpor/v1/migrations/" + instanceId + "/pages?pid=" + pid
                + "&vaddr=" + vaddr + "&count=" + count, Map.of(), null, CALL);
        if (r.statusCode() != 200) throw new IOException("node " + source.id() + " answered " + r.statusCode() + " for pages of " + instanceId);
        int rawLength = Integer.parseInt(r.headers().firstValue(PageHeaders.RAW_LENGTH).orElseThrow(() -> new IOException("no raw length")));
        long expected = Long.parseLong(r.headers().firstValue(PageHeaders.CRC32C).orElseThrow(() -> new IOException("no checksum")));
        boolean zstd = r.headers().firstValue("Content-Encoding").filter("zstd"::equals).isPresent();
        byte[] raw = zstd ? Zstd.decompress(r.body(), rawLength) : r.body();
        CRC32C crc = new CRC32C();
        crc.update(raw);
        if (raw.length != rawLength || crc.getValue() != expected) {
            throw new IOException("pages of " + instanceId + " at 0x" + Long.toHexString(vaddr) + " arrived damaged (CRC32C)");
        }
        long before = pulled.getAndAdd(raw.length);
        if (before / PROGRESS_STEP != (before + raw.length) / PROGRESS_STEP) {
            LOG.log(System.Logger.Level.INFO, "post-copy of {0}: {1} MiB of pages pulled from {2}", instanceId,
                    (before + raw.length) >> 20, source.id());
        }
        return raw;
    }

    void finished(String error) {
        peers.call(source, "POST", "/torpor/v1/migrations/" + instanceId + "/pages/done",
                error == null ? Map.of() : Map.of("error", error), CALL);
    }

}
