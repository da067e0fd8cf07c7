package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.runtime.ContainerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BundleWriterTest {
    private static final long MEMORY = 192L * 1024 * 1024;
    private static final Path ROOTFS = Path.of("/var/lib/torpor/rootfs");
    private static final Path NETNS = Path.of("/var/run/netns/torpor-fn-1");
    private static final String CGROUP = "/torpor/node-a/fn-1";
    /** What {@link Rootfs} binds on a merged-/usr host: /bin, /lib and /lib64 are symlinks inside the rootfs. */
    private static final List<Path> HOST_DIRS = List.of(Path.of("/usr"), Path.of("/lib32"));

    private static final ContainerSpec SPEC = new ContainerSpec("fn-1", Path.of("/var/lib/torpor/code/fn/1"), Path.of("/var/lib/torpor/runtimes"),
            Path.of("/var/lib/torpor/instances/fn-1/channel"), List.of("/var/task/bootstrap", "--flag"),
            Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "GREETING", "hello world"), MEMORY, ContainerSpec.Network.NONE);

    private final JsonNode config = new ObjectMapper().valueToTree(BundleWriter.config(SPEC, ROOTFS, HOST_DIRS, FunctionUser.UNPRIVILEGED, NETNS, CGROUP));

    @Test
    void joinsTheNetworkNamespaceTheNodeMade() {
        JsonNode network = only(config.path("linux").path("namespaces"), "type", "network");

        assertThat(network.path("path").asText()).isEqualTo(NETNS.toString());
    }

    @Test
    void bindsExactlyTheHostDirectoriesTheCodeAndTheChannel() {
        List<String> bindDestinations = stream(config.path("mounts"))
                .filter(m -> m.path("type").asText().equals("bind"))
                .map(m -> m.path("destination").asText()).toList();

        assertThat(bindDestinations).containsExactlyInAnyOrder("/usr", "/lib32", "/var/task", "/var/runtime", "/run/torpor");
        assertThat(bindDestinations).doesNotContain("/bin", "/lib", "/lib64", "/etc");
    }

    @Test
    void codeIsReadOnlyAndTheChannelWritable() {
        JsonNode code = only(config.path("mounts"), "destination", ContainerSpec.CODE_MOUNT);
        JsonNode channel = only(config.path("mounts"), "destination", ContainerSpec.CHANNEL_MOUNT);

        assertThat(code.path("source").asText()).isEqualTo(SPEC.codeDir().toString());
        assertThat(texts(code.path("options"))).contains("ro").doesNotContain("rw");
        assertThat(channel.path("source").asText()).isEqualTo(SPEC.channelDir().toString());
        assertThat(texts(channel.path("options"))).contains("rw").doesNotContain("ro");
        assertThat(texts(only(config.path("mounts"), "destination", "/usr").path("options"))).contains("ro");
    }

    @Test
    void tmpIsATmpfs() {
        assertThat(only(config.path("mounts"), "destination", "/tmp").path("type").asText()).isEqualTo("tmpfs");
    }

    @Test
    void memoryIsLimitedToTheSpecWithoutSwapBeyondIt() {
        JsonNode memory = config.path("linux").path("resources").path("memory");

        assertThat(memory.path("limit").asLong()).isEqualTo(MEMORY);
        assertThat(memory.path("swap").asLong()).isEqualTo(MEMORY);
        assertThat(config.path("linux").path("cgroupsPath").asText()).isEqualTo(CGROUP);
    }

    @Test
    void theRelayRunsAsInitInFrontOfTheFunction() {
        assertThat(texts(config.path("process").path("args")))
                .containsExactly("/torpor/init", "-s", "/run/torpor/agent.sock", "--", "/var/task/bootstrap", "--flag");
        assertThat(config.path("process").path("cwd").asText()).isEqualTo("/var/task");
    }

    @Test
    void environmentIsTheSpecs() {
        assertThat(texts(config.path("process").path("env")))
                .containsExactlyInAnyOrder("AWS_LAMBDA_FUNCTION_NAME=fn", "GREETING=hello world");
    }

    @Test
    void rootIsTheSharedRootfsReadOnly() {
        assertThat(config.path("root").path("path").asText()).isEqualTo(ROOTFS.toString());
        assertThat(config.path("root").path("readonly").asBoolean()).isTrue();
    }

    @Test
    void theFunctionRunsUnprivilegedWithNoCapabilityAndNoNewPrivileges() {
        JsonNode process = config.path("process");

        assertThat(process.path("user").path("uid").asInt()).isEqualTo(65532);
        assertThat(process.path("user").path("gid").asInt()).isEqualTo(65532);
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertThat(process.path("capabilities").path(set).isArray()).as(set).isTrue();
            assertThat(process.path("capabilities").path(set)).as(set).isEmpty();
        }
        assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
    }

    @Test
    void openFilesAreLimitedAndCoreDumpsOff() {
        JsonNode core = only(config.path("process").path("rlimits"), "type", "RLIMIT_CORE");
        JsonNode files = only(config.path("process").path("rlimits"), "type", "RLIMIT_NOFILE");

        assertThat(core.path("hard").asLong()).isZero();
        assertThat(files.path("hard").asLong()).isEqualTo(1024);
    }

    @Test
    void processesAreLimitedAndCpuWeighedByMemory() {
        JsonNode resources = config.path("linux").path("resources");

        assertThat(resources.path("pids").path("limit").asInt()).isEqualTo(BundleWriter.PIDS_LIMIT);
        assertThat(resources.path("cpu").path("shares").asLong()).isEqualTo(BundleWriter.cpuShares(MEMORY));
        assertThat(BundleWriter.cpuShares(1769L << 20)).as("one vCPU at 1769 MiB, as Lambda").isEqualTo(1024);
        assertThat(BundleWriter.cpuShares(128L << 20)).isEqualTo(74);
        assertThat(BundleWriter.cpuShares(1L << 20)).isEqualTo(2);
    }

    @Test
    void procAndSysHaveRuncsDefaultMaskedAndReadOnlyPaths() {
        assertThat(texts(config.path("linux").path("maskedPaths"))).contains("/proc/kcore", "/proc/keys", "/sys/firmware");
        assertThat(texts(config.path("linux").path("readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    }

    @Test
    void seccompRefusesWhatDockersDefaultRefusesAndLetsCloneMakeNoNamespace() {
        JsonNode seccomp = config.path("linux").path("seccomp");
        List<String> allowedAlways = stream(seccomp.path("syscalls"))
                .filter(r -> r.path("action").asText().equals("SCMP_ACT_ALLOW") && r.path("args").isMissingNode())
                .flatMap(r -> texts(r.path("names")).stream()).toList();

        assertThat(seccomp.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(allowedAlways).contains("read", "write", "execve", "ppoll", "connect", "wait4", "kill")
                .doesNotContain("unshare", "setns", "clone", "clone3", "mount", "umount2", "pivot_root", "ptrace",
                        "process_vm_readv", "bpf", "keyctl", "add_key", "request_key", "perf_event_open", "init_module",
                        "finit_module", "delete_module", "kexec_load", "reboot", "swapon", "userfaultfd",
                        "io_uring_setup", "open_by_handle_at", "settimeofday", "socket", "personality");
        JsonNode clone = onlyRuleFor(seccomp, "clone");
        JsonNode flags = clone.path("args").get(0);
        assertThat(flags.path("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
        assertThat(flags.path("value").asLong()).as("every CLONE_NEW* flag").isEqualTo(0x7E020000L);
        assertThat(flags.path("valueTwo").asLong()).isZero();
        assertThat(onlyRuleFor(seccomp, "clone3").path("errnoRet").asInt()).as("ENOSYS").isEqualTo(38);
        assertThat(texts(SeccompProfile.forArchitecture("amd64").path("architectures")))
                .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    }

    private static JsonNode onlyRuleFor(JsonNode seccomp, String syscall) {
        List<JsonNode> found = stream(seccomp.path("syscalls")).filter(r -> texts(r.path("names")).contains(syscall)).toList();
        assertThat(found).as("rules for %s", syscall).hasSize(1);
        return found.getFirst();
    }

    private static JsonNode only(JsonNode array, String field, String value) {
        List<JsonNode> found = stream(array).filter(n -> n.path(field).asText().equals(value)).toList();
        assertThat(found).as("entries with %s=%s", field, value).hasSize(1);
        return found.getFirst();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
