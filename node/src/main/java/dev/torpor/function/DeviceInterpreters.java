package dev.torpor.function;

import dev.torpor.TorporException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The interpreters installed on the device, found where a function's container sees them: its root filesystem binds
 * the device's {@code /usr} read-only, so a path here is the same path inside. Each runtime takes the interpreter of
 * its own version, else the nearest newer one, as a Lambda runtime keeps running older code.
 */
final class DeviceInterpreters {
    private static final Pattern PYTHON = Pattern.compile("python3\\.(\\d+)");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
    private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.");

    /** The device's root: {@code /}, or a directory laid out like it in tests. */
    private final Path root;

    DeviceInterpreters(Path root) {
        this.root = root;
    }

    /**
     * The interpreter's path as the container sees it.
     *
     * @throws TorporException INVALID_PARAMETER naming what the device lacks
     */
    String find(LambdaRuntime runtime) {
        return switch (runtime.language()) {
            case CUSTOM -> throw new IllegalArgumentException(runtime.id() + " runs the function's own bootstrap");
            case PYTHON -> python(runtime.version()).orElseThrow(() -> missing(runtime,
                    "python3." + runtime.version() + " or newer in /usr/bin (Debian: apt-get install python3)"));
            case NODE -> node(runtime.version()).orElseThrow(() -> missing(runtime,
                    "Node.js " + runtime.version() + " or newer at /usr/bin/node (Debian: apt-get install nodejs)"
                            + nodeFound()));
            case JAVA -> java(runtime.version()).orElseThrow(() -> missing(runtime,
                    "a Java " + runtime.version() + " or newer JVM under /usr/lib/jvm (Debian: apt-get install openjdk-"
                            + runtime.version() + "-jre-headless)"));
        };
    }

    /** {@code /usr/bin/python3.N}: Debian names each interpreter by its version. */
    private Optional<String> python(int minor) {
        Path bin = root.resolve("usr/bin");
        if (!Files.isDirectory(bin)) return Optional.empty();
        try (Stream<Path> files = Files.list(bin)) {
            return files.flatMap(f -> {
                        Matcher m = PYTHON.matcher(f.getFileName().toString());
                        return m.matches() && Files.isExecutable(f) ? Stream.of(new Candidate(f, Integer.parseInt(m.group(1)))) : Stream.empty();
                    })
                    .filter(c -> c.version() >= minor)
                    .min(Comparator.comparingInt(Candidate::version))
                    .map(c -> inContainer(c.path()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<String> node(int major) {
        return nodeMajor().filter(v -> v >= major).map(v -> "/usr/bin/node");
    }

    private String nodeFound() {
        return nodeMajor().map(v -> "; the device has Node.js " + v).orElse("");
    }

    /** The device's node asked for its version: nothing in its path or files says it. */
    private Optional<Integer> nodeMajor() {
        Path node = root.resolve("usr/bin/node");
        if (!Files.isExecutable(node)) return Optional.empty();
        try {
            Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            Matcher m = NODE_VERSION.matcher(out);
            return m.lookingAt() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A JVM's {@code release} file names its version; the device's {@code /usr/bin/java} may be any of them. */
    private Optional<String> java(int major) {
        Path jvms = root.resolve("usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return Optional.empty();
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(d.resolve("bin/java")))
                    .flatMap(d -> javaMajor(d).filter(v -> v >= major).map(v -> new Candidate(d, v)).stream())
                    .min(Comparator.comparingInt(Candidate::version).thenComparing(c -> c.path().getFileName().toString()))
                    .map(c -> inContainer(c.path().resolve("bin/java")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Integer> javaMajor(Path jvm) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(jvm.resolve("release")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String inContainer(Path onDevice) {
        return "/" + root.relativize(onDevice);
    }

    private static TorporException missing(LambdaRuntime runtime, String what) {
        return TorporException.invalid("Runtime " + runtime.id() + " needs " + what + ", which this node lacks");
    }

    private record Candidate(Path path, int version) {}
}
