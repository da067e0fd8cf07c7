package dev.torpor.checkpoint.criu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The protocol as CRIU 4.2's lazy-pages daemon speaks it, from the daemon's side of the socket. */
class CriuPageServerTest {
    private final List<String> asked = new CopyOnWriteArrayList<>();

    private byte[] pages(long pid, long vaddr, int count) {
        asked.add(pid + "@" + Long.toHexString(vaddr) + "x" + count);
        ByteBuffer b = ByteBuffer.allocate(count * PagemapEntry.PAGE_SIZE);
        for (int i = 0; i < count; i++) b.put(SyntheticImage.page(vaddr + (long) i * PagemapEntry.PAGE_SIZE));
        return b.array();
    }

    private static byte[] psi(int cmd, long nrPages, long vaddr, long dstId) {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, cmd).putLong(8, nrPages).putLong(16, vaddr).putLong(24, dstId).array();
    }

    @Test
    void aGetIsAnsweredWithItsPagesInPiecesAndACloseEndsIt() throws Exception {
        try (CriuPageServer server = new CriuPageServer(this::pages);
             Socket daemon = new Socket(server.address().getAddress(), server.address().getPort())) {
            long pages = CriuPageServer.PIECE_PAGES + 3;
            daemon.getOutputStream().write(psi(7, pages, 0x7f0000000000L, 42));
            DataInputStream in = new DataInputStream(daemon.getInputStream());
            byte[] header = new byte[32];
            in.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(h.getInt(0) & 0xffff).as("PS_IOV_ADD_F").isEqualTo(6);
            assertThat(h.getInt(0) >>> 16).as("PE_PRESENT").isEqualTo(PagemapEntry.PE_PRESENT);
            assertThat(h.getLong(8)).isEqualTo(pages);
            assertThat(h.getLong(24)).isEqualTo(42);
            byte[] body = new byte[(int) pages * PagemapEntry.PAGE_SIZE];
            in.readFully(body);
            long last = 0x7f0000000000L + (pages - 1) * PagemapEntry.PAGE_SIZE;
            assertThat(ByteBuffer.wrap(body, body.length - PagemapEntry.PAGE_SIZE, 8).getLong()).isEqualTo(last);
            assertThat(asked).as("fetched in pieces, some at once").containsExactlyInAnyOrder("42@7f0000000000x256", "42@7f0000100000x3");

            daemon.getOutputStream().write(psi(0x1023, 0, 0, 0));
            assertThat(in.readInt()).as("status").isZero();
            assertThat(server.finished().get(5, TimeUnit.SECONDS)).isEqualTo(body.length);
        }
    }

    @Test
    void aSourceThatFailsBreaksTheConnectionAndSaysWhy() throws Exception {
        try (CriuPageServer server = new CriuPageServer((pid, vaddr, count) -> {
                    throw new IOException("source node gone");
                });
             Socket daemon = new Socket(server.address().getAddress(), server.address().getPort())) {
            daemon.getOutputStream().write(psi(7, 1, 0x1000, 1));
            assertThatThrownBy(() -> server.finished().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("source node gone");
            daemon.setSoTimeout(5000);
            byte[] rest = daemon.getInputStream().readAllBytes();
            assertThat(rest.length).as("a header but never the pages").isLessThanOrEqualTo(32);
        }
    }
}
