package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a function cannot do from inside its container (see the README's security section), tried by the test
 * function {@code sandbox}, and that a checkpoint and restore keep all of it, on real runc and CRIU.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SandboxIT extends RealNodeCase {
    private static final int MEMORY_MIB = 256;
    private static final int PIDS_LIMIT = 512;
    private static final int TMP_MIB = 64;
    private static final int CAP_SYS_RESOURCE = 24;

    @BeforeEach
    void deploy() {
        var request = TestNode.createRequest("sandbox", TestNode.zipOf(TestNode.TEST_FUNCTIONS.resolve("sandbox")), MEMORY_MIB, 60,
                Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(node.create(request).statusCode()).isEqualTo(201);
    }

    @Test
    void theFunctionHoldsNoCapabilityNoNewPrivilegesAndASeccompFilter() throws Exception {
        assertConfined(attempt("{\"try\":\"status\"}"));
    }

    @Test
    void namespacesMountsRawSocketsPtraceBpfKeysPerfAndModulesAreRefused() {
        assertRefused(attempt("{\"try\":\"syscalls\"}"));
    }

    @Test
    void theHostsEtcIsNotThere() {
        assertThat(attempt("{\"try\":\"read\",\"path\":\"/etc/shadow\"}").get("read").asText()).isEqualTo("ENOENT");
        assertThat(attempt("{\"try\":\"read\",\"path\":\"/etc/passwd\"}").get("read").asText()).isEqualTo("ok");
    }

    @Test
    void theHostsLoopbackIsOutOfReach() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();

            JsonNode answer = attempt("{\"try\":\"connect\",\"port\":" + port + "}");

            assertThat(answer.get("connect").asText()).isEqualTo("ECONNREFUSED");
            assertThat(server.accept()).as("a connection from the function").isNull();
        }
    }

    @Test
    void aForkBombStopsAtThePidsLimitAndLeavesTheNodeAndOtherFunctionsBe() {
        assertThat(node.create("neighbour", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        assertThat(node.invoke("neighbour", "{}").get("count").asInt()).isEqualTo(1);

        JsonNode bomb = attempt("{\"try\":\"forkBomb\"}");

        assertThat(bomb.get("refused").asText()).isEqualTo("EAGAIN");
        assertThat(bomb.get("forked").asInt()).isBetween(PIDS_LIMIT / 2, PIDS_LIMIT);
        assertThat(node.invoke("neighbour", "{}").get("count").asInt()).isEqualTo(2);
        assertThat(attempt("{}").get("count").asInt()).as("the bomber itself, its children gone").isEqualTo(2);
    }

    @Test
    void onlyTmpIsWritableAndOnlyUpToItsSize() {
        JsonNode tmp = attempt("{\"try\":\"fill\",\"path\":\"/tmp/fill\"}");
        assertThat(tmp.get("refused").asText()).isEqualTo("ENOSPC");
        assertThat(tmp.get("writtenMiB").asInt()).isBetween(TMP_MIB - 2, TMP_MIB);

        for (String path : new String[] {"/fill", "/var/task/fill", "/etc/fill", "/usr/fill"}) {
            JsonNode elsewhere = attempt("{\"try\":\"fill\",\"path\":\"" + path + "\"}");
            assertThat(elsewhere.get("refused").asText()).as(path).isIn("EROFS", "EACCES");
            assertThat(elsewhere.get("writtenMiB").asInt()).as(path).isZero();
        }
    }

    @Test
    void memoryBeyondTheLimitIsRefusedToTheProcessThatWantsIt() {
        JsonNode hog = attempt("{\"try\":\"memory\",\"mib\":" + 2 * MEMORY_MIB + "}");

        assertThat(hog.path("signal").asInt()).as("the hog was OOM-killed: " + hog).isEqualTo(9);
        assertThat(attempt("{}").get("count").asInt()).as("the function lives on").isEqualTo(2);
    }

    @Test
    void aCheckpointAndRestoreUnderTheFilterKeepStateAndConfinement() throws Exception {
        assertThat(attempt("{}").get("count").asInt()).isEqualTo(1);
        String id = node.instanceOf("sandbox").get("instanceId").asText();

        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        assertThat(node.instanceOf("sandbox").get("state").asText()).isEqualTo("CHECKPOINTED");

        JsonNode status = attempt("{\"try\":\"status\"}");
        assertThat(status.get("count").asInt()).as("the count goes on after the restore").isEqualTo(2);
        assertConfined(status);
        assertRefused(attempt("{\"try\":\"syscalls\"}"));
        assertThat(node.instanceOf("sandbox").get("restores").asInt()).isEqualTo(1);
    }

    private JsonNode attempt(String event) {
        return node.invoke("sandbox", event);
    }

    private static void assertConfined(JsonNode status) throws Exception {
        // Unprivileged where CRIU can dump another user's tasks (it reads their rlimits): see FunctionUser.
        int uid = criuCanDumpAnotherUser() ? 65532 : 0;
        assertThat(status.get("uid").asInt()).isEqualTo(uid);
        assertThat(status.get("gid").asInt()).isEqualTo(uid);
        assertThat(status.get("capEff").asText()).isEqualTo("0000000000000000");
        assertThat(status.get("capBnd").asText()).isEqualTo("0000000000000000");
        assertThat(status.get("noNewPrivs").asText()).isEqualTo("1");
        assertThat(status.get("seccomp").asText()).as("filter mode").isEqualTo("2");
    }

    private static void assertRefused(JsonNode syscalls) {
        for (String call : new String[] {"unshareUser", "unshareMount", "unshareNet", "mount", "ptrace", "bpf", "keyctl",
                "add_key", "perf_event_open", "init_module", "rawSocket"}) {
            assertThat(syscalls.get(call).asText()).as(call).isEqualTo("EPERM");
        }
    }

    private static boolean criuCanDumpAnotherUser() throws Exception {
        String capEff = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapEff:"))
                .findFirst().orElseThrow().substring("CapEff:".length()).strip();
        return (Long.parseUnsignedLong(capEff, 16) >>> CAP_SYS_RESOURCE & 1) == 1;
    }
}
