package dev.torpor.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.io.output.CountingOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageArchiveTest {
    @TempDir
    Path tmp;

    private Path source;
    private Path received;

    private CheckpointStore.Image image(int pages) throws IOException {
        source = tmp.resolve("source");
        received = tmp.resolve("received");
        // Half random, half zero pages: something for zstd to do and something it cannot shrink.
        return TestImages.image(source, "i-1", pages, i -> i % 2 == 0 ? TestImages.randomPage(1, i) : null);
    }

    private static byte[] archive(CheckpointStore.Image image, boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long written = ImageArchive.write(image.dir(), out, compress, n -> {});
        assertThat(written).isEqualTo(out.size());
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripGivesEqualFilesAndTheSameManifest(boolean compress) throws Exception {
        CheckpointStore.Image image = image(256);

        Manifest m = ImageArchive.read(new ByteArrayInputStream(archive(image, compress)), received.resolve("copy"), n -> {});

        Path copy = received.resolve("copy");
        assertThat(TestImages.names(copy)).isEqualTo(TestImages.names(image.dir()));
        for (Manifest.FileEntry f : image.manifest().files()) {
            assertThat(Files.mismatch(image.dir().resolve(f.name()), copy.resolve(f.name()))).as(f.name()).isEqualTo(-1);
        }
        assertThat(m).isEqualTo(image.manifest());
        assertThat(DirectoryCheckpointStore.read(copy)).isEqualTo(m);
        assertThat(TestImages.names(received)).containsExactly("copy");
    }

    @Test
    void twoHundredMegabytesOfMostlyZeroPagesStreamThroughAPipeAndShrinkOnTheWire() throws Exception {
        int pages = 200 * 256;
        CheckpointStore.Image image = TestImages.image(tmp.resolve("source"), "big", pages,
                i -> i % 64 == 0 ? TestImages.randomPage(2, i) : null);
        PipedInputStream pipeIn = new PipedInputStream(1 << 16);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
        CountingOutputStream wire = new CountingOutputStream(pipeOut);

        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            try (OutputStream out = wire) {
                return ImageArchive.write(image.dir(), out, true, n -> {});
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Manifest m;
        try (pipeIn) {
            m = ImageArchive.read(pipeIn, tmp.resolve("copy"), n -> {});
        }

        long raw = image.manifest().totalBytes();
        assertThat(raw).isGreaterThan(200L << 20);
        assertThat(sent.get()).isEqualTo(wire.getByteCount()).isLessThan(raw / 20);
        assertThat(Files.mismatch(image.dir().resolve("pages-1.img"), tmp.resolve("copy/pages-1.img"))).isEqualTo(-1);
        assertThat(m.totalBytes()).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTruncatedStreamIsRefusedAndLeavesNothing(boolean compress) throws Exception {
        byte[] whole = archive(image(256), compress);
        // Inside the header, the manifest's tar header, the manifest, the middle and near the end of the page data.
        for (int cut : List.of(3, 200, 700, whole.length / 2, whole.length * 9 / 10)) {
            TorporException e = catchThrowableOfType(TorporException.class,
                    () -> ImageArchive.read(new ByteArrayInputStream(Arrays.copyOf(whole, cut)), received.resolve("copy"), n -> {}));

            assertThat(e).as("cut at %d of %d", cut, whole.length).isNotNull();
            assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
            assertThat(received).isEmptyDirectory();
        }
    }

    @Test
    void aFlippedByteIsRefusedByItsCrc32c() throws Exception {
        byte[] wire = archive(image(256), false);
        wire[wire.length / 2] ^= 1;

        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(wire), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("pages-1.img does not match its CRC32C");
        assertThat(received).isEmptyDirectory();
    }

    @Test
    void aFlippedByteInACompressedStreamIsRefused() throws Exception {
        byte[] wire = archive(image(256), true);
        wire[wire.length / 2] ^= 1;

        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(wire), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED));
        assertThat(received).isEmptyDirectory();
    }

    @Test
    void progressClimbsToTheImageSizeOnBothSides() throws Exception {
        CheckpointStore.Image image = image(256);
        List<Long> sent = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageArchive.write(image.dir(), out, true, sent::add);
        AtomicLong got = new AtomicLong(-1);

        ImageArchive.read(new ByteArrayInputStream(out.toByteArray()), received.resolve("copy"), n -> {
            assertThat(n).isGreaterThan(got.get());
            got.set(n);
        });

        assertThat(sent).isSorted().last().isEqualTo(image.manifest().totalBytes());
        assertThat(got.get()).isEqualTo(image.manifest().totalBytes());
    }

    @Test
    void refusesPathTricksLinksAndUnexpectedFiles() throws Exception {
        image(1);
        String good = "{\"name\":\"core-1.img\",\"size\":2,\"crc32c\":0}";
        byte[] two = {1, 2};
        assertRefused(crafted(manifest("{\"name\":\"../evil\",\"size\":2,\"crc32c\":0}"),
                file("../evil", two)), "names a file ../evil");
        assertRefused(crafted(manifest("{\"name\":\"/etc/evil\",\"size\":2,\"crc32c\":0}")),
                "names a file /etc/evil");
        assertRefused(crafted(manifest(good), file("../core-1.img", two)), "unexpected or repeated file ../core-1.img");
        assertRefused(crafted(manifest(good), file("extra.img", two)), "unexpected or repeated file extra.img");
        TarArchiveEntry link = new TarArchiveEntry("core-1.img", TarConstants.LF_SYMLINK);
        link.setLinkName("/etc/passwd");
        assertRefused(crafted(manifest(good), new Entry(link, new byte[0])), "core-1.img is not a regular file");
        assertRefused(crafted(file("core-1.img", two), manifest(good)), "does not start with manifest.json");
        assertRefused(crafted(manifest("{\"name\":\"core-1.img\",\"size\":-1,\"crc32c\":0}")), "has no size");
        assertRefused("PK\u0003\u0004 a zip file".getBytes(UTF_8), "not a Torpor image archive");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    @Test
    void aFileTheManifestPromisedButTheArchiveLacksFails() throws Exception {
        image(1);
        byte[] wire = crafted(manifest("{\"name\":\"core-1.img\",\"size\":2,\"crc32c\":0}"));

        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(wire), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("ended without [core-1.img]");
    }

    @Test
    void refusesToOverwriteAnExistingTarget() throws Exception {
        byte[] wire = archive(image(4), false);
        Files.createDirectories(received.resolve("copy"));

        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(wire), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(TestImages.names(received)).containsExactly("copy");
    }

    @Test
    void anImageDamagedOnTheSourceDiskIsRefusedOnArrival() throws Exception {
        CheckpointStore.Image image = image(4);
        byte[] core = Files.readAllBytes(image.dir().resolve("core-1.img"));
        core[0] ^= 1;
        Files.write(image.dir().resolve("core-1.img"), core);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageArchive.write(image.dir(), out, false, n -> {});

        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(out.toByteArray()), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("core-1.img does not match its CRC32C");
        assertThat(received).isEmptyDirectory();
    }

    @Test
    void anImageDirectoryWithASubdirectoryOrAStrayFileIsNotSent() throws Exception {
        CheckpointStore.Image image = image(4);
        Files.createDirectory(image.dir().resolve("sub"));

        assertThatThrownBy(() -> ImageArchive.write(image.dir(), OutputStream.nullOutputStream(), false, n -> {}))
                .hasMessageContaining("sub is not a regular file");

        Files.delete(image.dir().resolve("sub"));
        Files.write(image.dir().resolve("stray.img"), new byte[1]);
        assertThatThrownBy(() -> ImageArchive.write(image.dir(), OutputStream.nullOutputStream(), false, n -> {}))
                .hasMessageContaining("files not in the manifest: [stray.img]");
    }

    private void assertRefused(byte[] wire, String message) {
        assertThatThrownBy(() -> ImageArchive.read(new ByteArrayInputStream(wire), received.resolve("copy"), n -> {}))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE))
                .hasMessageContaining(message);
        assertThat(received).isEmptyDirectory();
    }

    private record Entry(TarArchiveEntry header, byte[] data) {}

    private static Entry file(String name, byte[] data) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(data.length);
        return new Entry(e, data);
    }

    private static Entry manifest(String fileEntries) throws IOException {
        Manifest m = ManifestTest.manifest(List.of());
        String json = DirectoryCheckpointStore.JSON.writeValueAsString(m).replace("\"files\" : [ ]", "\"files\" : [" + fileEntries + "]");
        return file(Manifest.FILE_NAME, json.getBytes(UTF_8));
    }

    /** An uncompressed archive of exactly these entries, as a careless or hostile sender might make it. */
    private static byte[] crafted(Entry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {'T', 'P', 'I', 'A', 1, 0});
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                tar.putArchiveEntry(e.header());
                tar.write(e.data());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }
}
