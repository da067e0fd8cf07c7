package dev.torpor.function;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * Code under {@code <root>/<name>/<revision>/}. A revision is unpacked into a staging directory inside the root,
 * flushed to the device, and renamed into place only once it is whole, so neither a reader nor a node back from a
 * crash or power loss sees half a revision, and a rejected zip leaves nothing. Staging and doomed directories start
 * with a dot, which no function name has, and are swept at start.
 */
final class ZipCodeStore implements CodeStore {
    private static final String STAGING_PREFIX = ".incoming-";
    private static final String DELETING_PREFIX = ".deleting-";

    private final Path root;
    private final long maxUnzippedBytes;

    ZipCodeStore(Path root, long maxUnzippedBytes) {
        this.root = root;
        this.maxUnzippedBytes = maxUnzippedBytes;
        try {
            Files.createDirectories(root);
            // What an agent that died mid-store or mid-delete left behind.
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, ".*")) {
                for (Path p : leftovers) removeTree(p);
            }
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "Cannot use " + root + " as the code store", e);
        }
    }

    @Override
    public StoredCode store(String functionName, int revision, byte[] zip) {
        Path target = codeDir(functionName, revision);
        if (Files.exists(target, NOFOLLOW_LINKS)) throw alreadyStored(functionName, revision);
        Path staging = null;
        try {
            staging = Files.createTempDirectory(root, STAGING_PREFIX);
            CodeUnzipper.unzip(zip, staging, maxUnzippedBytes);
            syncTree(staging);
            Files.createDirectories(target.getParent());
            Path zipTmp = Files.createTempFile(root, STAGING_PREFIX, ".zip");
            Files.write(zipTmp, zip);
            sync(zipTmp);
            Files.move(zipTmp, zip(functionName, revision), ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(staging, target, ATOMIC_MOVE);
            sync(target.getParent());
        } catch (RuntimeException | IOException e) {
            TorporException failure = asTorpor(e, functionName, revision);
            try {
                if (staging != null) removeTree(staging);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        return new StoredCode(target, sha256(zip), zip.length);
    }

    @Override
    public Path codeDir(String functionName, int revision) {
        return root.resolve(FunctionNames.requireValid(functionName)).resolve(Integer.toString(revision));
    }

    @Override
    public Path zip(String functionName, int revision) {
        return root.resolve(FunctionNames.requireValid(functionName)).resolve(revision + ".zip");
    }

    @Override
    public void delete(String functionName) {
        remove(root.resolve(FunctionNames.requireValid(functionName)));
    }

    @Override
    public void deleteRevision(String functionName, int revision) {
        remove(codeDir(functionName, revision));
        try {
            Files.deleteIfExists(zip(functionName, revision));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "Cannot delete " + zip(functionName, revision), e);
        }
    }

    /** Renamed out of sight first, so a half-deleted tree never stands under a live name. */
    private void remove(Path dir) {
        Path doomed = root.resolve(DELETING_PREFIX + UUID.randomUUID());
        try {
            Files.move(dir, doomed, ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "Cannot delete " + dir, e);
        }
        try {
            removeTree(doomed);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "Cannot delete " + doomed, e);
        }
    }

    /** Every file and directory of the tree, links left alone (they hold no data and cannot be opened as themselves). */
    private static void syncTree(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths.filter(p -> !Files.isSymbolicLink(p))::iterator) sync(p);
        }
    }

    /** Flushes a file's data, or a directory's entries, to the device. */
    private static void sync(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Never follows a link: a function's symlinks must not lead the agent to delete what they point at. */
    private static void removeTree(Path tree) throws IOException {
        PathUtils.delete(tree, PathUtils.NOFOLLOW_LINK_OPTION_ARRAY);
    }

    private static TorporException asTorpor(Exception e, String functionName, int revision) {
        if (e instanceof TorporException t) return t;
        // A rename onto a revision stored meanwhile.
        if (e instanceof FileAlreadyExistsException || e instanceof DirectoryNotEmptyException) {
            return alreadyStored(functionName, revision);
        }
        return new TorporException(ErrorKind.FAILED, "Cannot store the code of " + functionName, e);
    }

    private static TorporException alreadyStored(String functionName, int revision) {
        return new TorporException(
                ErrorKind.ALREADY_EXISTS, "Revision " + revision + " of " + functionName + " already has code");
    }

    private static String sha256(byte[] zip) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
