package dev.torpor.function;

import dev.torpor.SharedFiles;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How each Lambda runtime runs here. A custom runtime runs the zip's {@code bootstrap}; a managed one runs Torpor's
 * runtime side for its language, which the node lays out once in its own directory, mounted read-only at
 * {@code /var/runtime} in every container, on the device's own interpreter ({@link DeviceInterpreters}): small
 * runtime loops in Python's and Node's standard libraries, and for Java AWS's own runtime interface client.
 */
public final class ManagedRuntimes {
    public static final String MOUNT = "/var/runtime";
    private static final String RESOURCES = "runtimes/";
    private static final String BOOTSTRAP = "bootstrap";
    private static final String PYTHON_LOOP = "python/bootstrap.py";
    private static final String NODE_LOOP = "node/runtime.mjs";
    /** The runtime interface client and what it needs, as node/pom.xml copies them. */
    private static final List<String> JAVA_CLIENT = List.of("java/aws-lambda-java-runtime-interface-client.jar",
            "java/aws-lambda-java-core.jar", "java/aws-lambda-java-serialization.jar", "java/utils-lite.jar");
    private static final String JAVA_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /**
     * A small device and CRIU: one GC thread and no compiler threads to speak of (C1 alone), a heap of most of the
     * function's memory (the rest is the JVM's own), and no perf-data file, a shared mapping a dump would carry.
     */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:MaxRAMPercentage=75", "-Xss512k", "-XX:ReservedCodeCacheSize=32m",
            "-XX:-UsePerfData", "-Xshare:auto");
    /** Node's heap as Lambda sizes it: most of the function's memory, some left for code, stacks and buffers. */
    private static final int NODE_HEAP_PERCENT = 85;

    private final DeviceInterpreters interpreters;
    private final Path filesDir;

    ManagedRuntimes(DeviceInterpreters interpreters, Path filesDir) {
        this.interpreters = interpreters;
        this.filesDir = filesDir;
    }

    /** Lays out the runtime side shipped in this jar under {@code filesDir} (idempotent), for the device at {@code /}. */
    public static ManagedRuntimes install(Path filesDir) throws IOException {
        return install(filesDir, Path.of("/"));
    }

    static ManagedRuntimes install(Path filesDir, Path deviceRoot) throws IOException {
        List<String> files = new ArrayList<>(List.of(PYTHON_LOOP, NODE_LOOP));
        files.addAll(JAVA_CLIENT);
        for (String name : files) {
            try (InputStream in = ManagedRuntimes.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) throw new IOException("the runtime file " + name + " is missing from the build");
                // owner only, as everything under --data: each container start hands them to the function user (FunctionUser.own)
                SharedFiles.replace(filesDir.resolve(name), in.readAllBytes(), "rw-------");
            }
        }
        return new ManagedRuntimes(new DeviceInterpreters(deviceRoot), filesDir);
    }

    /**
     * Refuses a runtime this node cannot run, naming what the device lacks.
     *
     * @throws TorporException INVALID_PARAMETER
     */
    public void requireInterpreter(String runtime) {
        LambdaRuntime rt = known(runtime);
        if (rt.language() != LambdaRuntime.Language.CUSTOM) interpreters.find(rt);
    }

    /**
     * Refuses code a custom runtime cannot start: Lambda runs {@code bootstrap} at the top of the zip.
     *
     * @throws TorporException INVALID_PARAMETER
     */
    public void requireEntryPoint(String runtime, Path codeDir) {
        if (known(runtime).language() != LambdaRuntime.Language.CUSTOM) return;
        Path bootstrap = codeDir.resolve(BOOTSTRAP);
        if (!Files.isRegularFile(bootstrap) || !Files.isExecutable(bootstrap)) {
            throw TorporException.invalid("Runtime " + runtime + " runs the zip's own bootstrap, and this zip has no "
                    + "executable file named bootstrap at its top level");
        }
    }

    public Launch launch(FunctionDefinition fn, Path codeDir) {
        LambdaRuntime rt = known(fn.runtime());
        List<String> command = new ArrayList<>();
        switch (rt.language()) {
            case CUSTOM -> command.add("/var/task/" + BOOTSTRAP);
            case PYTHON -> command.addAll(List.of(interpreters.find(rt), "-u", MOUNT + "/" + PYTHON_LOOP));
            case NODE -> command.addAll(List.of(interpreters.find(rt),
                    "--max-old-space-size=" + fn.memoryMiB() * NODE_HEAP_PERCENT / 100, MOUNT + "/" + NODE_LOOP));
            case JAVA -> {
                command.add(interpreters.find(rt));
                command.addAll(JVM_OPTIONS);
                command.addAll(List.of("-cp", String.join(":", JAVA_CLIENT.stream().map(j -> MOUNT + "/" + j).toList()),
                        JAVA_MAIN, fn.handler() == null ? "" : fn.handler()));
            }
        }
        return new Launch(codeDir, filesDir, command);
    }

    private static LambdaRuntime known(String runtime) {
        return LambdaRuntime.of(runtime).orElseThrow(() -> FunctionRules.unsupportedRuntime(runtime));
    }
}
