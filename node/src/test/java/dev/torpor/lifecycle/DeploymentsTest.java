package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.ManagedRuntimes;
import dev.torpor.function.NetworkMode;
import dev.torpor.node.NodeDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Code updates against the audit's crash (an agent killed 1 s into UpdateFunctionCode), what may be stored at all, and
 * what a new network mode ends.
 */
class DeploymentsTest extends InstanceManagerFixture {
    private NodeDatabase db;

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }

    @Test
    void codeAnUpdateLeftUnrecordedDoesNotBlockTheNextUpdate() throws Exception {
        Path codeRoot = tmp.resolve("code-store");
        Deployments deployments = deployments(CodeStore.atRoot(codeRoot));
        deployments.create(function("fn"), zip("v1"));
        // The killed update: its revision renamed into place (and its zip), the registry never told, and a staging
        // directory of another upload half written.
        CodeStore.atRoot(codeRoot).store("fn", 2, zip("v2, never recorded"));
        Files.createDirectories(codeRoot.resolve(".incoming-killed/half"));

        Deployments restarted = deployments(CodeStore.atRoot(codeRoot));
        FunctionDefinition updated = restarted.updateCode("fn", zip("v3"));

        assertThat(updated.revision()).isEqualTo(2);
        assertThat(Files.readString(codeRoot.resolve("fn/2/bootstrap"))).isEqualTo("v3");
        assertThat(codeRoot.resolve(".incoming-killed")).doesNotExist();
        assertThat(codeRoot.resolve("fn/1")).doesNotExist();
        assertThat(restarted.updateCode("fn", zip("v4")).revision()).isEqualTo(3);
    }

    @Test
    void aDefinitionBreakingLambdasRulesIsRefusedAndNothingIsStored() throws Exception {
        Deployments deployments = deployments(CodeStore.atRoot(tmp.resolve("code-store")));
        FunctionDefinition bad = new FunctionDefinition("victim", "provided.al2023", "handler", "", -5, 0,
                Map.of("A=B\nC", "x"), Map.of(), FunctionDefinition.UNRESERVED, "", 0, 1, "rev-1", Instant.now());

        assertThat(catchThrowableOfType(TorporException.class, () -> deployments.create(bad, zip("v1"))).kind())
                .isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(deployments.list()).isEmpty();
        assertThat(tmp.resolve("code-store/victim")).doesNotExist();

        FunctionDefinition stored = deployments.create(function("fn"), zip("v1"));
        FunctionDefinition noTimeout = new FunctionDefinition("fn", stored.runtime(), stored.handler(), "", MEMORY_MIB, 0,
                Map.of(), Map.of(), stored.reservedConcurrency(), stored.codeSha256(), stored.codeSize(), stored.revision(),
                stored.revisionId(), Instant.now());
        assertThat(catchThrowableOfType(TorporException.class, () -> deployments.updateConfiguration(noTimeout)).kind())
                .isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(deployments.get("fn")).isEqualTo(stored);
    }

    @Test
    void aNewNetworkModeEndsTheFunctionsInstancesAndTheSameModeKeepsThem() throws Exception {
        Deployments deployments = deployments(CodeStore.atRoot(tmp.resolve("code-store")));
        FunctionDefinition fn = deployments.create(function("fn"), zip("v1"));
        functions.put("fn", fn);
        invoke(fn, "{}");

        deployments.setPolicy("fn", fn.suspendPolicy(), NetworkMode.NONE);
        assertThat(instancesOf(fn)).as("the same mode").hasSize(1);

        FunctionDefinition outbound = deployments.setPolicy("fn", fn.suspendPolicy(), NetworkMode.OUTBOUND);
        assertThat(outbound.networkMode()).isEqualTo(NetworkMode.OUTBOUND);
        assertThat(instancesOf(fn)).as("made with the other network").isEmpty();
    }

    @Test
    void everyChangeHasANewRevisionIdAndAStaleOneChangesNothing() throws Exception {
        Deployments deployments = deployments(CodeStore.atRoot(tmp.resolve("code-store")));
        FunctionDefinition created = deployments.create(function("fn"), zip("v1"));
        FunctionDefinition described = deployments.updateConfiguration("fn", created.revisionId(),
                fn -> new FunctionDefinition(fn.name(), fn.runtime(), fn.handler(), "described", fn.memoryMiB(),
                        fn.timeoutSeconds(), fn.environment(), fn.tags(), fn.reservedConcurrency(), fn.codeSha256(),
                        fn.codeSize(), fn.revision(), fn.revisionId(), Instant.now()));
        FunctionDefinition throttled = deployments.updateConfiguration("fn", null, fn -> fn.withReservedConcurrency(0, Instant.now()));
        FunctionDefinition recoded = deployments.updateCode("fn", throttled.revisionId(), zip("v2"));

        assertThat(java.util.List.of(created, described, throttled, recoded)).extracting(FunctionDefinition::revisionId)
                .doesNotHaveDuplicates();
        assertThat(catchThrowableOfType(TorporException.class, () -> deployments.updateConfiguration("fn", described.revisionId(),
                fn -> fn.withReservedConcurrency(5, Instant.now()))).kind()).isEqualTo(ErrorKind.PRECONDITION_FAILED);
        assertThat(catchThrowableOfType(TorporException.class, () -> deployments.updateCode("fn", "bogus", zip("v3"))).kind())
                .isEqualTo(ErrorKind.PRECONDITION_FAILED);
        assertThat(deployments.get("fn")).isEqualTo(recoded);
        assertThat(Files.readString(tmp.resolve("code-store/fn/2/bootstrap"))).isEqualTo("v2");
    }

    private Deployments deployments(CodeStore code) throws IOException {
        if (db == null) db = NodeDatabase.open(tmp.resolve("node.db"));
        return new Deployments(db.functions(), code, ManagedRuntimes.install(tmp.resolve("runtimes")), manager);
    }

    private static FunctionDefinition function(String name) {
        return new FunctionDefinition(name, "provided.al2023", "handler", "", MEMORY_MIB, 3, Map.of(), Map.of(),
                FunctionDefinition.UNRESERVED, "", 0, 1, "rev-1", Instant.now());
    }

    private static byte[] zip(String bootstrap) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("bootstrap"));
            zip.write(bootstrap.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
