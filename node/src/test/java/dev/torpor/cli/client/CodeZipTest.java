package dev.torpor.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.function.CodeStore;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeZipTest {
    @TempDir
    Path tmp;

    @Test
    void directoryRoundTripKeepsTheExecutableBitThroughTheNodesCodeStore() throws Exception {
        Path dir = tmp.resolve("fn");
        write(dir.resolve("bootstrap"), "#!/bin/sh\n", "rwxr-xr-x");
        write(dir.resolve("bin/helper"), "#!/bin/sh\n", "rwxr-x---");
        write(dir.resolve("lib/data.txt"), "data", "rw-r--r--");

        byte[] zip = CodeZip.of(dir);

        Path code = CodeStore.atRoot(tmp.resolve("store")).store("fn", 1, zip).dir();
        assertThat(Files.isExecutable(code.resolve("bin/helper"))).isTrue();
        assertThat(Files.isExecutable(code.resolve("bootstrap"))).isTrue();
        assertThat(Files.isExecutable(code.resolve("lib/data.txt"))).isFalse();
        assertThat(Files.readString(code.resolve("lib/data.txt"))).isEqualTo("data");
    }

    @Test
    void entriesCarryUnixModesAndSlashNamesInOrder() throws Exception {
        Path dir = tmp.resolve("fn");
        write(dir.resolve("bootstrap"), "x", "rwxr-xr-x");
        write(dir.resolve("a/b.txt"), "y", "rw-------");

        List<ZipArchiveEntry> entries = entries(CodeZip.zip(dir));

        assertThat(entries).extracting(ZipArchiveEntry::getName).containsExactly("a/b.txt", "bootstrap");
        assertThat(entries).extracting(ZipArchiveEntry::getUnixMode).containsExactly(0100600, 0100755);
    }

    @Test
    void theTopLevelBootstrapIsAlwaysExecutable() throws Exception {
        Path dir = tmp.resolve("fn");
        write(dir.resolve("bootstrap"), "x", "rw-r-----");
        write(dir.resolve("lib/bootstrap"), "y", "rw-r-----");
        assertThat(entries(CodeZip.zip(dir))).extracting(ZipArchiveEntry::getUnixMode).containsExactly(0100751, 0100640);
    }

    @Test
    void theSameFilesMakeTheSameZip() throws Exception {
        Path dir = tmp.resolve("fn");
        write(dir.resolve("bootstrap"), "x", "rwxr-xr-x");
        byte[] first = CodeZip.zip(dir);
        Files.setLastModifiedTime(dir.resolve("bootstrap"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertThat(CodeZip.zip(dir)).isEqualTo(first);
    }

    /** Inside a jar (how the demo finds its examples) files have no modes: bootstrap is made executable anyway. */
    @Test
    void aDirectoryInsideAJarGetsAnExecutableBootstrap() throws Exception {
        URI jar = URI.create("jar:" + tmp.resolve("examples.jar").toUri());
        try (FileSystem fs = FileSystems.newFileSystem(jar, Map.of("create", "true"))) {
            Files.createDirectories(fs.getPath("/ex/lib"));
            Files.writeString(fs.getPath("/ex/bootstrap"), "#!/bin/sh\n");
            Files.writeString(fs.getPath("/ex/lib/data.txt"), "data");
        }
        try (FileSystem fs = FileSystems.newFileSystem(jar, Map.of())) {
            List<ZipArchiveEntry> entries = entries(CodeZip.zip(fs.getPath("/ex")));
            assertThat(entries).extracting(ZipArchiveEntry::getName).containsExactly("bootstrap", "lib/data.txt");
            assertThat(entries).extracting(ZipArchiveEntry::getUnixMode).containsExactly(0100755, 0100644);
        }
    }

    @Test
    void aZipFileIsSentAsItIs() throws Exception {
        Path zip = tmp.resolve("code.zip");
        Files.write(zip, new byte[] {1, 2, 3});
        assertThat(CodeZip.of(zip)).containsExactly(1, 2, 3);
    }

    @Test
    void anythingElseIsAUsageError() throws Exception {
        Path text = Files.writeString(tmp.resolve("code.txt"), "x");
        assertThatThrownBy(() -> CodeZip.of(text)).isInstanceOf(UsageError.class).hasMessageContaining("directory or a .zip");
        assertThatThrownBy(() -> CodeZip.of(tmp.resolve("missing"))).isInstanceOf(UsageError.class).hasMessageContaining("no such");
    }

    private static void write(Path file, String content, String permissions) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    private static List<ZipArchiveEntry> entries(byte[] zip) throws Exception {
        try (ZipFile z = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
            return Collections.list(z.getEntries());
        }
    }
}
