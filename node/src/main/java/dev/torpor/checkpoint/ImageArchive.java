package dev.torpor.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.apache.commons.io.output.CountingOutputStream;

/**
 * A checkpoint image as one stream, for moving it to another node: a 6-byte header ({@code TPIA}, format version,
 * flags: bit 0 = zstd), then a tar of the image's files, {@code manifest.json} first, each file streamed.
 *
 * <p>Every file is checked on arrival against the CRC32C its manifest took at dump time, so what is restored is
 * what CRIU wrote, whether it was damaged on the source's disk or on the way. CRC32C, not SHA-256: the check is
 * against accident (TCP guards the link itself, and a node's API has no authentication to defend), and it runs at
 * memory speed where SHA-256 managed ~200 MB/s here, twice per migration, inside the time the function is frozen.
 *
 * <p>Errors: {@code INCOMPATIBLE_IMAGE} when the stream is not an acceptable image (format, names, entry types,
 * unexpected files), {@code FAILED} when it did not deliver what its manifest promises (truncated, a checksum
 * differs) or local I/O failed. Either way nothing is left behind.
 */
public final class ImageArchive {
    private static final byte[] MAGIC = {'T', 'P', 'I', 'A'};
    private static final int FLAG_ZSTD = 1;
    /**
     * zstd level 1. On a CRIU dump of a Python process (218 MB of pages), one core here compressed at 290–450 MB/s
     * (ratio 8.0) at level 1 and 150–170 MB/s (ratio 8.1) at level 3. An ARM board's core is some 2–3× slower, so
     * only level 1 stays ahead of a gigabit link (~117 MB/s) there, and higher levels save almost nothing on memory.
     */
    private static final int ZSTD_LEVEL = 1;
    private static final int BUFFER = 1 << 16;
    private static final int MAX_MANIFEST_BYTES = 1 << 20;

    private ImageArchive() {}

    /** Streams the image in {@code imageDir} to {@code out} (left open); returns the bytes written to it. */
    public static long write(Path imageDir, OutputStream out, boolean compress, LongConsumer progress) {
        Manifest outgoing = ImageFiles.list(imageDir);
        try {
            CountingOutputStream wire = new CountingOutputStream(CloseShieldOutputStream.wrap(out));
            wire.write(MAGIC);
            wire.write(new byte[] {FormatVersions.ARCHIVE, (byte) (compress ? FLAG_ZSTD : 0)});
            OutputStream body = compress ? new ZstdOutputStream(wire, ZSTD_LEVEL) : wire;
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(body, BUFFER), UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                byte[] json = DirectoryCheckpointStore.JSON.writeValueAsBytes(outgoing);
                tar.putArchiveEntry(entry(Manifest.FILE_NAME, json.length));
                tar.write(json);
                tar.closeArchiveEntry();
                long done = 0;
                for (Manifest.FileEntry f : outgoing.files()) {
                    tar.putArchiveEntry(entry(f.name(), f.size()));
                    try (InputStream in = Files.newInputStream(imageDir.resolve(f.name()))) {
                        if (copy(in, f.size(), tar, done, progress) != f.size()) throw new IOException(f.name() + " shrank while being sent");
                    }
                    done += f.size();
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            out.flush();
            return wire.getByteCount();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot send the image in " + imageDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Receives an image written by {@link #write} into {@code targetDir}, which must not exist yet: every file is
     * checked against the manifest (name, size, CRC32C) in a staging directory beside it, which becomes
     * {@code targetDir} only when all of them are there and on disk. A stream cut after the last file has delivered
     * and verified everything and is accepted. {@code in} should carry the archive only: zstd reads ahead.
     */
    public static Manifest read(InputStream in, Path targetDir, LongConsumer progress) {
        try (StagingDir staging = StagingDir.beside(targetDir);
                InputStream body = body(CloseShieldInputStream.wrap(in));
                TarArchiveInputStream tar = new TarArchiveInputStream(body, UTF_8.name())) {
            Manifest m = readManifest(tar);
            Map<String, Manifest.FileEntry> expected = new LinkedHashMap<>();
            m.files().forEach(f -> expected.put(f.name(), f));
            long done = 0;
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Manifest.FileEntry f = expected.remove(requireRegular(e).getName());
                if (f == null) throw refused("unexpected or repeated file " + e.getName());
                if (e.getSize() != f.size()) throw refused(f.name() + " is " + e.getSize() + " bytes, the manifest says " + f.size());
                receive(tar, f, staging.file(f.name()), done, progress);
                done += f.size();
            }
            if (!expected.isEmpty()) throw failed("the archive ended without " + expected.keySet());
            Files.write(staging.file(Manifest.FILE_NAME), DirectoryCheckpointStore.JSON.writeValueAsBytes(m));
            staging.publish();
            return m;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "image transfer into " + targetDir + " failed: " + e.getMessage(), e);
        }
    }

    private static InputStream body(InputStream in) throws IOException {
        byte[] header = in.readNBytes(MAGIC.length + 2);
        if (header.length < MAGIC.length + 2) throw failed("the stream ended inside the header");
        if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) throw refused("not a Torpor image archive");
        if (header[4] != FormatVersions.ARCHIVE) throw refused("archive format " + header[4] + ", this node reads " + FormatVersions.ARCHIVE);
        if ((header[5] & ~FLAG_ZSTD) != 0) throw refused("unknown archive flags " + header[5]);
        return (header[5] & FLAG_ZSTD) != 0 ? new ZstdInputStream(in) : in;
    }

    private static Manifest readManifest(TarArchiveInputStream tar) throws IOException {
        TarArchiveEntry e = tar.getNextEntry();
        if (e == null) throw failed("the archive ended before its manifest");
        if (!requireRegular(e).getName().equals(Manifest.FILE_NAME)) throw refused("the archive does not start with " + Manifest.FILE_NAME);
        if (e.getSize() > MAX_MANIFEST_BYTES) throw refused("a manifest of " + e.getSize() + " bytes");
        byte[] json = tar.readNBytes((int) e.getSize());
        if (json.length != e.getSize()) throw failed("the archive ended inside the manifest");
        return Manifest.decode(json);
    }

    /** Only plain files: links, devices, directories and sparse entries have no place in an image. */
    private static TarArchiveEntry requireRegular(TarArchiveEntry e) {
        byte type = e.getLinkFlag();
        if ((type != TarConstants.LF_NORMAL && type != TarConstants.LF_OLDNORM) || e.isSparse()) {
            throw refused(e.getName() + " is not a regular file");
        }
        return e;
    }

    private static void receive(InputStream tar, Manifest.FileEntry f, Path file, long done, LongConsumer progress) throws IOException {
        CRC32C crc = new CRC32C();
        try (OutputStream out = new CheckedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), crc)) {
            if (copy(tar, f.size(), out, done, progress) != f.size()) throw failed("the archive ended inside " + f.name());
        }
        if (crc.getValue() != f.crc32c()) throw failed(f.name() + " does not match its CRC32C: damaged on the way");
    }

    /** Copies up to {@code size} bytes, reporting {@code done} plus the bytes copied so far; returns how many. */
    private static long copy(InputStream in, long size, OutputStream out, long done, LongConsumer progress) throws IOException {
        byte[] buf = new byte[BUFFER];
        long copied = 0;
        for (int n; copied < size && (n = in.read(buf, 0, (int) Math.min(buf.length, size - copied))) > 0; ) {
            out.write(buf, 0, n);
            copied += n;
            progress.accept(done + copied);
        }
        return copied;
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        return e;
    }

    private static TorporException refused(String why) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "refused image archive: " + why);
    }

    private static TorporException failed(String why) {
        return new TorporException(ErrorKind.FAILED, "incomplete image archive: " + why);
    }
}
