package dev.torpor.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Builds zips the way real tools do, including the broken and hostile ones. */
final class TestZip {
    private static final int NO_MODE = -1;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes);

    /** An entry as a Windows tool writes it: no unix mode at all. */
    TestZip file(String name, String content) {
        return entry(name, content, NO_MODE);
    }

    TestZip file(String name, String content, int permissions) {
        return entry(name, content, 0100000 | permissions);
    }

    TestZip dir(String name) {
        return entry(name, "", 040755);
    }

    TestZip symlink(String name, String target) {
        return entry(name, target, 0120777);
    }

    byte[] bytes() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private TestZip entry(String name, String content, int mode) {
        try {
            ZipArchiveEntry entry = new ZipArchiveEntry(name);
            if (mode != NO_MODE) entry.setUnixMode(mode);
            out.putArchiveEntry(entry);
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
