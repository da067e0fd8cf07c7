package dev.torpor.function;

import java.nio.file.Path;

/**
 * A stored revision's code: {@code codeSha256} (base64 SHA-256 of the zip) and {@code codeSize} (zip bytes) are what
 * Lambda reports as CodeSha256 and CodeSize.
 */
public record StoredCode(Path dir, String codeSha256, long codeSize) {}
