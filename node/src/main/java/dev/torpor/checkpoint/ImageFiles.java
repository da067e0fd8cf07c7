package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Which files make an image directory, and which names such a file may have. */
final class ImageFiles {
    /**
     * The names CRIU and runc give image files ({@code pages-1.img}, {@code core-42.img}, {@code stats-dump},
     * {@code descriptors.json}). Anything else — a path, {@code ..}, a hidden or odd name — is refused before it
     * touches a disk, whoever sent it.
     */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");

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

    private static TorporException damaged(Path imageDir, String why) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "the image in " + imageDir + " does not match its manifest: " + why);
    }
}
