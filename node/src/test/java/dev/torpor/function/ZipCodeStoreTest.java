package dev.torpor.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZipCodeStoreTest {
    /** The store's root sits in a directory of its own, so that an escape to its parent lands where the test looks. */
    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createDirectory(tmp.resolve("code"));
    }

    private CodeStore store() {
        return CodeStore.atRoot(root);
    }

    @Test
    void unpacksFilesWithTheirContentAndReportsLambdasShaAndSize() throws Exception {
        byte[] zip = new TestZip().file("bootstrap", "#!/bin/sh\n", 0755).file("lib/data.txt", "hello", 0644).bytes();

        StoredCode code = store().store("fn", 1, zip);

        assertThat(code.dir()).isEqualTo(root.resolve("fn/1"));
        assertThat(Files.readString(code.dir().resolve("bootstrap"))).isEqualTo("#!/bin/sh\n");
        assertThat(Files.readString(code.dir().resolve("lib/data.txt"))).isEqualTo("hello");
        assertThat(code.codeSize()).isEqualTo(zip.length);
        assertThat(code.codeSha256())
                .isEqualTo(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
    }

    @Test
    void keepsExecutableBitsButDropsSpecialAndGroupWriteBits() throws Exception {
        byte[] zip = new TestZip()
                .file("run.sh", "", 0700)
                .file("setuid", "", 04775)
                .file("private.txt", "", 0600)
                .file("shared.txt", "", 0666)
                .file("windows.txt", "")
                .dir("empty/")
                .file("implied/dir/file", "", 0644)
                .bytes();

        Path dir = store().store("fn", 1, zip).dir();

        assertThat(mode(dir.resolve("run.sh"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("setuid"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("private.txt"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("shared.txt"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("windows.txt"))).isEqualTo("rw-------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("empty"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("implied"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("implied/dir"))).isEqualTo("rwx------");
    }

    @Test
    void makesATopLevelBootstrapWithoutModeExecutable() throws Exception {
        byte[] zip = new TestZip().file("bootstrap", "x").file("sub/bootstrap", "y").bytes();

        Path dir = store().store("fn", 1, zip).dir();

        assertThat(mode(dir.resolve("bootstrap"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("sub/bootstrap"))).isEqualTo("rw-------");
    }

    @Test
    void treatsBackslashesAsSeparators() throws Exception {
        Path dir = store().store("fn", 1, new TestZip().file("lib\\a.txt", "a").bytes()).dir();

        assertThat(Files.readString(dir.resolve("lib/a.txt"))).isEqualTo("a");
    }

    @Test
    void createsRelativeSymlinksThatStayInside() throws Exception {
        byte[] zip = new TestZip()
                .file("bin/real", "x", 0755)
                .symlink("bootstrap", "bin/real")
                .symlink("bin/up", "../bin/./real")
                .bytes();

        Path dir = store().store("fn", 1, zip).dir();

        assertThat(Files.readSymbolicLink(dir.resolve("bootstrap"))).isEqualTo(Path.of("bin/real"));
        assertThat(Files.readSymbolicLink(dir.resolve("bin/up"))).isEqualTo(Path.of("../bin/./real"));
        assertThat(Files.readString(dir.resolve("bootstrap"))).isEqualTo("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/etc/x", "./../x", "a/b/../../../x"})
    void rejectsEntriesThatEscapeAndLeavesNothing(String name) {
        byte[] zip = new TestZip().file("ok", "fine").file(name, "evil", 0644).bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("Entry " + name + " ");
        assertRootEmpty();
        assertThat(root.getParent().resolve("x")).doesNotExist();
    }

    @Test
    void rejectsEscapesSpelledWithBackslashes() {
        // Commons Compress turns backslashes into slashes only in entries from Windows, so a unix entry keeps them.
        byte[] unix = replace(new TestZip().file("a|..|..|x", "evil", 0644).bytes(), '|', '\\');
        byte[] windows = new TestZip().file("a\\..\\..\\x", "evil").bytes();

        assertThat(rejected(() -> store().store("fn", 1, unix))).contains("Entry a\\..\\..\\x ");
        assertThat(rejected(() -> store().store("fn", 1, windows))).contains("Entry a/../../x ");
        assertRootEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../..", "../../x", "/etc/passwd", "a/../../../x", "./../../x", ""})
    void rejectsSymlinksThatPointOutside(String target) {
        byte[] zip = new TestZip().dir("sub/").symlink("sub/link", target).symlink("sub/home", "..").bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("sub/link");
        assertRootEmpty();
    }

    @Test
    void rejectsClimbingOutThroughAnotherLink() {
        // Text says "here", but "self" is the code dir itself, so self/.. is its parent.
        byte[] zip = new TestZip().symlink("self", ".").symlink("escape", "self/..").bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("escape");
        assertRootEmpty();
    }

    @Test
    void rejectsEntriesWrittenThroughALink() {
        byte[] zip = new TestZip().dir("real/").symlink("link", "real").file("link/x", "evil").bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("link/x");
        assertRootEmpty();
    }

    @Test
    void rejectsDuplicateEntriesEvenWhenSpelledDifferently() {
        byte[] zip = new TestZip().file("a/b", "1").file("a/./b", "2").bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("a/./b");
        assertRootEmpty();
    }

    @Test
    void rejectsAFileThatIsAlsoADirectory() {
        byte[] zip = new TestZip().file("a", "1").file("a/b", "2").bytes();

        assertThat(rejected(() -> store().store("fn", 1, zip))).contains("a/b");
        assertRootEmpty();
    }

    @Test
    void rejectsWhatIsNotAZip() {
        assertThat(rejected(() -> store().store("fn", 1, "plain text, not a zip".getBytes(UTF_8))))
                .isEqualTo("Could not unzip uploaded file. Please check your file, then try to upload again.");
        assertRootEmpty();
    }

    @Test
    void rejectsAZipWithCorruptData() {
        byte[] zip = new TestZip().file("a", "x".repeat(10_000)).bytes();
        // The central directory is intact; the deflated data, right after the 31-byte local header, is not.
        for (int i = 31; i < 37; i++) zip[i] ^= 0x5a;

        assertThat(rejected(() -> store().store("fn", 1, zip)))
                .isEqualTo("Could not unzip uploaded file. Please check your file, then try to upload again.");
        assertRootEmpty();
    }

    @Test
    void rejectsCodeLargerThanTheLimitUnzipped() {
        byte[] zip = new TestZip().file("a", "x".repeat(600)).file("b", "x".repeat(600)).bytes();

        assertThat(rejected(() -> CodeStore.atRoot(root, 1000).store("fn", 1, zip)))
                .isEqualTo("Unzipped size must be smaller than 1000 bytes");
        assertRootEmpty();
    }

    @Test
    void countsRealBytesNotTheSizesHeadersClaim() {
        byte[] zip = claimUncompressedSize(new TestZip().file("a", "x".repeat(5000)).bytes(), 10);

        assertThat(rejected(() -> CodeStore.atRoot(root, 1000).store("fn", 1, zip)))
                .isEqualTo("Unzipped size must be smaller than 1000 bytes");
        assertRootEmpty();
    }

    @Test
    void rejectsMoreThanTwentyThousandEntries() {
        TestZip zip = new TestZip();
        for (int i = 0; i <= 20_000; i++) zip.file("f" + i, "");

        assertThat(rejected(() -> store().store("fn", 1, zip.bytes()))).contains("20001 entries");
        assertRootEmpty();
    }

    @Test
    void neverReplacesAStoredRevision() throws Exception {
        CodeStore store = store();
        store.store("fn", 1, new TestZip().file("v", "1").bytes());

        assertThatThrownBy(() -> store.store("fn", 1, new TestZip().file("v", "2").bytes()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(Files.readString(root.resolve("fn/1/v"))).isEqualTo("1");
        assertThat(children(root)).containsExactly("fn");
    }

    @Test
    void deletesOneRevisionOrAll() throws Exception {
        CodeStore store = store();
        store.store("fn", 1, new TestZip().file("v", "1").bytes());
        store.store("fn", 2, new TestZip().file("v", "2").bytes());
        store.store("other", 1, new TestZip().file("v", "o").bytes());

        store.deleteRevision("fn", 1);
        assertThat(store.codeDir("fn", 1)).doesNotExist();
        assertThat(Files.readString(store.codeDir("fn", 2).resolve("v"))).isEqualTo("2");

        store.delete("fn");
        store.delete("never-stored");
        store.deleteRevision("other", 7);
        assertThat(children(root)).containsExactly("other");
        assertThat(Files.readString(store.codeDir("other", 1).resolve("v"))).isEqualTo("o");
    }

    @Test
    void deletingNeverFollowsALinkOutOfTheCode() throws Exception {
        Path outside = Files.createDirectories(root.resolveSibling(root.getFileName() + "-outside"));
        Files.writeString(outside.resolve("keep"), "precious");
        CodeStore store = store();
        Path dir = store.store("fn", 1, new TestZip().file("v", "1").bytes()).dir();
        Files.createSymbolicLink(dir.resolve("planted"), outside);

        store.delete("fn");

        assertThat(root.resolve("fn")).doesNotExist();
        assertThat(Files.readString(outside.resolve("keep"))).isEqualTo("precious");
    }

    @Test
    void removesWhatADeadAgentLeftBehind() throws Exception {
        Files.createDirectories(root.resolve(".incoming-123/half"));
        Files.createDirectories(root.resolve(".deleting-456"));
        Files.createDirectories(root.resolve("fn/1"));

        store();

        assertThat(children(root)).containsExactly("fn");
    }

    @Test
    void refusesNamesThatAreNotFunctionNames() {
        assertThat(rejected(() -> store().codeDir("../etc", 1))).contains("'../etc'");
        assertThat(rejected(() -> store().delete("a/b"))).contains("'a/b'");
    }

    private String rejected(ThrowingCallable call) {
        TorporException e = catchThrowableOfType(TorporException.class, call);
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        return e.getMessage();
    }

    private void assertRootEmpty() {
        assertThat(children(root)).isEmpty();
    }

    private static String[] children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static byte[] replace(byte[] zip, char from, char to) {
        byte[] copy = Arrays.copyOf(zip, zip.length);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == from) copy[i] = (byte) to;
        }
        return copy;
    }

    /** Rewrites every central directory record's uncompressed size, as a zip bomb would. */
    private static byte[] claimUncompressedSize(byte[] zip, int size) {
        byte[] copy = Arrays.copyOf(zip, zip.length);
        ByteBuffer buf = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= copy.length; i++) {
            if (buf.getInt(i) == 0x02014b50) buf.putInt(i + 24, size);
        }
        return copy;
    }
}
