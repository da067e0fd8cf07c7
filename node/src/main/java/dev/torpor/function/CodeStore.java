package dev.torpor.function;

import java.nio.file.Path;

/**
 * The code of each function revision, unpacked from its Lambda zip into {@code <root>/<name>/<revision>/}. A stored
 * revision never changes: a code update is a new revision, so a running instance's code stays put under it.
 */
public interface CodeStore {
    /** Lambda's limit on unzipped code, 250 MiB. */
    long DEFAULT_MAX_UNZIPPED_BYTES = 262_144_000L;

    /**
     * Unpacks {@code zip} as the code of {@code revision}. Files keep whether they are executable (0755, else 0644);
     * a top-level {@code bootstrap} is always made executable, because zips made on Windows carry no unix modes and
     * the custom runtime's entry point must run. On any rejection nothing is left on disk.
     *
     * @throws dev.torpor.TorporException INVALID_PARAMETER for a zip that is corrupt, too large once unzipped, or
     *     holds an entry or symlink reaching outside its directory; ALREADY_EXISTS if the revision is stored already
     */
    StoredCode store(String functionName, int revision, byte[] zip);

    Path codeDir(String functionName, int revision);

    /** The zip the revision was stored from, kept so the same code (same CodeSha256) can be sent to another node. */
    Path zip(String functionName, int revision);

    /** Removes every revision of the function; nothing to remove is fine. */
    void delete(String functionName);

    void deleteRevision(String functionName, int revision);

    static CodeStore atRoot(Path root) {
        return atRoot(root, DEFAULT_MAX_UNZIPPED_BYTES);
    }

    static CodeStore atRoot(Path root, long maxUnzippedBytes) {
        return new ZipCodeStore(root, maxUnzippedBytes);
    }
}
