package dev.torpor.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each runtime on a device laid out in a directory: python3.11, Node.js 20, a Java 17 and a Java 25 JVM. */
class ManagedRuntimesTest {
    @TempDir
    Path tmp;

    private ManagedRuntimes runtimes;

    @BeforeEach
    void device() throws IOException {
        Path root = tmp.resolve("device");
        executable(root.resolve("usr/bin/python3.11"), "");
        executable(root.resolve("usr/bin/node"), "#!/bin/sh\necho v20.19.2\n");
        jvm(root.resolve("usr/lib/jvm/java-17-openjdk-amd64"), "17.0.15");
        jvm(root.resolve("usr/lib/jvm/temurin-25-jdk-amd64"), "25.0.3");
        runtimes = ManagedRuntimes.install(tmp.resolve("runtimes"), root);
    }

    @Test
    void eachRuntimeRunsOnTheInterpreterOfItsVersionOrTheNearestNewer() {
        assertThat(command("python3.9", "app.handler")).containsExactly("/usr/bin/python3.11", "-u", "/var/runtime/python/bootstrap.py");
        assertThat(command("nodejs18.x", "index.handler")).containsExactly("/usr/bin/node", "--max-old-space-size=217",
                "/var/runtime/node/runtime.mjs");
        assertThat(command("java17", "example.Counter").getFirst()).isEqualTo("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assertThat(command("java21", "example.Counter").getFirst()).isEqualTo("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        assertThat(command("java21", "example.Counter::handleRequest")).endsWith(
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", "example.Counter::handleRequest");
        assertThat(command("provided.al2023", "none")).containsExactly("/var/task/bootstrap");
    }

    @Test
    void theRuntimeSideIsLaidOutForTheContainers() {
        assertThat(tmp.resolve("runtimes/python/bootstrap.py")).isRegularFile();
        assertThat(tmp.resolve("runtimes/node/runtime.mjs")).isRegularFile();
        assertThat(tmp.resolve("runtimes/java/aws-lambda-java-runtime-interface-client.jar")).isRegularFile();
        assertThat(runtimes.launch(function("java17", "x"), tmp).runtimeDir()).isEqualTo(tmp.resolve("runtimes"));
    }

    @Test
    void aRuntimeWhoseInterpreterTheDeviceLacksIsRefusedNamingWhatIsMissing() {
        assertThat(refusal("python3.12")).isEqualTo("Runtime python3.12 needs python3.12 or newer in /usr/bin "
                + "(Debian: apt-get install python3), which this node lacks");
        assertThat(refusal("nodejs22.x")).contains("Node.js 22 or newer at /usr/bin/node").contains("the device has Node.js 20");
        assertThatCode(() -> runtimes.requireInterpreter("java21")).doesNotThrowAnyException();
        assertThatCode(() -> runtimes.requireInterpreter("provided.al2")).doesNotThrowAnyException();
        assertThat(catchThrowableOfType(TorporException.class, () -> runtimes.requireInterpreter("ruby3.3")).getMessage())
                .startsWith("Runtime ruby3.3 is not supported: Torpor runs provided.al2023, provided.al2, provided, python3.9");
    }

    @Test
    void aCustomRuntimeNeedsAnExecutableBootstrapAndAManagedOneDoesNot() throws IOException {
        Path code = Files.createDirectories(tmp.resolve("code"));
        assertThat(catchThrowableOfType(TorporException.class, () -> runtimes.requireEntryPoint("provided.al2023", code)).kind())
                .isEqualTo(ErrorKind.INVALID_PARAMETER);
        Files.writeString(code.resolve("bootstrap"), "#!/bin/sh\n");
        assertThat(catchThrowableOfType(TorporException.class, () -> runtimes.requireEntryPoint("provided", code)).getMessage())
                .contains("no executable file named bootstrap");
        Files.setPosixFilePermissions(code.resolve("bootstrap"), PosixFilePermissions.fromString("rwx------"));
        assertThatCode(() -> runtimes.requireEntryPoint("provided", code)).doesNotThrowAnyException();
        assertThatCode(() -> runtimes.requireEntryPoint("python3.11", Files.createDirectories(tmp.resolve("empty"))))
                .doesNotThrowAnyException();
    }

    private java.util.List<String> command(String runtime, String handler) {
        return runtimes.launch(function(runtime, handler), tmp.resolve("code")).command();
    }

    private String refusal(String runtime) {
        TorporException e = catchThrowableOfType(TorporException.class, () -> runtimes.requireInterpreter(runtime));
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        return e.getMessage();
    }

    private static FunctionDefinition function(String runtime, String handler) {
        return new FunctionDefinition("fn", runtime, handler, "", 256, 3, Map.of(), Map.of(), FunctionDefinition.UNRESERVED,
                "", 0, 1, "rev-1", Instant.now());
    }

    private static void executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void jvm(Path home, String version) throws IOException {
        executable(home.resolve("bin/java"), "");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
}
