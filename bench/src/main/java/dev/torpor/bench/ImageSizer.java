package dev.torpor.bench;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A checkpoint image's size on disk, and what zstd makes of the same bytes (as for shipping it off the node). */
final class ImageSizer {
    static final int ZSTD_LEVEL = 3;

    record Size(long rawBytes, int files, long zstdBytes, double zstdMs) {}

    private ImageSizer() {}

    static Size measure(Path dir, boolean compress) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        long raw = 0;
        for (Path f : files) raw += Files.size(f);
        if (!compress) return new Size(raw, files.size(), -1, Double.NaN);
        long t0 = System.nanoTime();
        Counting counting = new Counting();
        try (ZstdOutputStream z = new ZstdOutputStream(counting, ZSTD_LEVEL)) {
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(z);
                }
            }
        }
        return new Size(raw, files.size(), counting.n, Sh.ms(t0));
    }

    private static final class Counting extends OutputStream {
        long n;

        @Override
        public void write(int b) {
            n++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            n += len;
        }
    }
}
