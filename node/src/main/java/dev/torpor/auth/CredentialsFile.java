package dev.torpor.auth;

import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS shared-credentials file ({@code [profile]} sections of {@code aws_access_key_id} and
 * {@code aws_secret_access_key}): the keys a node accepts, and where the CLI finds its own. Hand-read because the
 * format is a few lines of INI and the AWS SDK's parser would bring the SDK's core into the agent.
 */
public record CredentialsFile(Map<String, Credentials> profiles) {
    public static CredentialsFile read(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw TorporException.invalid("cannot read the credentials file " + file + ": " + e.getMessage());
        }
    }

    static CredentialsFile parse(List<String> lines, String source) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq < 1) {
                throw TorporException.invalid(source + " line " + n + ": expected [profile] or key = value");
            }
            current.put(line.substring(0, eq).strip().toLowerCase(), line.substring(eq + 1).strip());
        }
        Map<String, Credentials> profiles = new LinkedHashMap<>();
        sections.forEach((name, keys) -> {
            String id = keys.get("aws_access_key_id"), secret = keys.get("aws_secret_access_key");
            if (id == null && secret == null) return; // a profile of settings only (region, output)
            if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
                throw TorporException.invalid(source + " profile [" + name + "]: needs aws_access_key_id and aws_secret_access_key");
            }
            profiles.put(name, new Credentials(id, secret));
        });
        return new CredentialsFile(Collections.unmodifiableMap(profiles));
    }

    /** The secret of an access key id, whichever profile holds it. */
    public Optional<Credentials> byKeyId(String accessKeyId) {
        return profiles.values().stream().filter(c -> c.accessKeyId().equals(accessKeyId)).findFirst();
    }

    /** The key a node signs its own calls to other nodes with: the {@code default} profile, else the first. */
    public Optional<Credentials> own() {
        return Optional.ofNullable(profiles.get("default")).or(() -> profiles.values().stream().findFirst());
    }
}
