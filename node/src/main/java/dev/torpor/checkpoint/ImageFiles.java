package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Which files make an image directory, and which names such a file may have. */
final class ImageFiles {
    /**
     * The names CRIU and runc give image files ({@code pages-1.img}, {@code core-42.img}, {@code stats-dump},
     * {@code descriptors.json}). Anything else — a path, {@code ..}, a hidden or odd name — is refused before it
     * touches a disk, whoever sent it.
     */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");
    private static final int VERIFY_PIECE = 1 << 20;

    private ImageFiles() {}

    static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches();
    }

    static boolean isPages(String name) {
        return name.startsWith("pages-") && name.endsWith(".img");
    }

    /**
     * The image's manifest, after checking that the directory holds exactly the files it lists, each a regular file
     * of the listed size: an image that has been tampered with or damaged does not leave the node.
     */
    static Manifest list(Path imageDir) {
        Manifest m = DirectoryCheckpointStore.read(imageDir);
        Set<String> present = new HashSet<>();
        try (Stream<Path> entries = Files.list(imageDir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) throw damaged(imageDir, name + " is not a regular file");
                if (!name.equals(Manifest.FILE_NAME)) present.add(name);
            }
            Set<String> listed = new HashSet<>();
            for (Manifest.FileEntry f : m.files()) {
                if (!isSafeName(f.name()) || !listed.add(f.name())) throw damaged(imageDir, "bad file name " + f.name());
                if (!present.contains(f.name())) throw damaged(imageDir, f.name() + " is missing");
                if (Files.size(imageDir.resolve(f.name())) != f.size()) throw damaged(imageDir, f.name() + " changed size");
            }
            present.removeAll(listed);
            if (!present.isEmpty()) throw damaged(imageDir, "files not in the manifest: " + new TreeSet<>(present));
            return m;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read the image in " + imageDir, e);
        }
    }

    /**
     * Checks that each file the manifest lists is there, a regular file of the listed size: a stat of each. Files it
     * does not list are no part of the image (CRIU reads only what its dump wrote) and are let be.
     */
    static void requireListed(Path imageDir, Manifest m) {
        if (m.files() == null) throw damaged(imageDir, "it lists no files");
        for (Manifest.FileEntry f : m.files()) {
            if (!isSafeName(f.name())) throw damaged(imageDir, "bad file name " + f.name());
            Path file = imageDir.resolve(f.name());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw damaged(imageDir, f.name() + " is missing");
            if (file.toFile().length() != f.size()) throw damaged(imageDir, f.name() + " changed size");
        }
    }

    /** {@link #requireListed}, then each listed file read whole for its CRC32C from dump time. */
    static void verify(Path imageDir, Manifest m) {
        requireListed(imageDir, m);
        for (Manifest.FileEntry f : m.files()) read(imageDir, f, VERIFY_PIECE, (buf, n) -> { });
    }

    /**
     * Reads one file of the image in pieces of {@code pieceSize} bytes (the last may be shorter), then checks that the
     * file still has its CRC32C from dump time: what leaves the node is what CRIU wrote.
     */
    static void read(Path imageDir, Manifest.FileEntry f, int pieceSize, Piece each) {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[(int) Math.min(pieceSize, Math.max(f.size(), 1))];
        long left = f.size();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(imageDir.resolve(f.name())), 1 << 16)) {
            for (int n; left > 0; left -= n) {
                n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                if (n == 0) break;
                crc.update(buf, 0, n);
                each.accept(buf, n);
            }
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read " + f.name() + " of the image in " + imageDir, e);
        }
        if (left != 0 || crc.getValue() != f.crc32c()) {
            throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE,
                    "the image in " + imageDir + " is damaged: " + f.name() + " no longer has its CRC32C from dump time");
        }
    }

    interface Piece {
        void accept(byte[] buf, int length);
    }

    private static TorporException damaged(Path imageDir, String why) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "the image in " + imageDir + " does not match its manifest: " + why);
    }
}
