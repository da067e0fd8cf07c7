package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.TorporException;
import dev.torpor.cluster.MigrationMode;
import dev.torpor.cluster.MigrationReport;
import dev.torpor.function.SuspendPolicy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** How the command line is read, without a node: picocli's parseArgs fills in the command objects. */
class CommandParsingTest {
    private static <T> T parsed(Class<T> type, String... args) {
        ParseResult result = new CommandLine(new TorporCli()).parseArgs(args);
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void deployTakesRepeatedEnvAndAPolicyInAnyCase() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "counter", "examples/counter-python", "--memory", "256",
                "--env", "BALLAST_MB=40", "--env", "GREETING=a=b", "--suspend", "Checkpoint", "--idle-ms", "1000",
                "--concurrency", "2");
        assertThat(d.name).isEqualTo("counter");
        assertThat(d.path).isEqualTo(Path.of("examples/counter-python"));
        assertThat(d.memoryMiB).isEqualTo(256);
        assertThat(d.timeoutSeconds).as("left to the default when creating, unchanged when updating").isNull();
        assertThat(d.environment).containsExactly(Map.entry("BALLAST_MB", "40"), Map.entry("GREETING", "a=b"));
        assertThat(d.policy.suspend).isEqualTo(SuspendPolicy.Mode.CHECKPOINT);
        assertThat(d.policy.tags()).containsOnly(Map.entry("torpor:suspend", "checkpoint"), Map.entry("torpor:idle-ms", "1000"));
        assertThat(d.concurrency).isEqualTo(2);
        assertThat(d.update).isFalse();
    }

    @Test
    void deployWithoutPolicyOptionsSendsNoPolicy() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "f", "f.zip", "--update");
        assertThat(d.update).isTrue();
        assertThat(d.policy.given()).isFalse();
        assertThat(d.policy.tags()).isEmpty();
        assertThat(d.environment).isNull();
    }

    @Test
    void anUnknownSuspendModeIsRefused() {
        assertThatThrownBy(() -> parsed(PolicyCommand.class, "policy", "f", "--suspend", "sleep"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'sleep' is not one of none, pause, checkpoint");
    }

    @Test
    void deployAndPolicyTakeANetworkMode() {
        DeployCommand d = parsed(DeployCommand.class, "deploy", "f", "f.zip", "--network", "Outbound");
        assertThat(d.policy.tags()).containsOnly(Map.entry("torpor:network", "outbound"));
        assertThat(parsed(PolicyCommand.class, "policy", "f", "--network", "none").policy.change().network()).isEqualTo("none");
        assertThatThrownBy(() -> parsed(PolicyCommand.class, "policy", "f", "--network", "host"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'host' is not one of none, outbound");
    }

    @Test
    void policyChangeCarriesOnlyWhatWasGiven() {
        PolicyCommand p = parsed(PolicyCommand.class, "policy", "f", "--idle-ms", "500");
        assertThat(p.policy.change().suspend()).isNull();
        assertThat(p.policy.change().idleMs()).isEqualTo(500L);
    }

    @Test
    void migrateTakesAModeAndSaysWhichOneMovedIt() {
        MigrateCommand m = parsed(MigrateCommand.class, "migrate", "counter-1", "--to", "edge-b", "--mode", "stop-and-copy", "--no-compress");
        assertThat(MigrationMode.parse(m.mode)).contains(MigrationMode.STOP_AND_COPY);
        assertThat(m.raw).isTrue();
        assertThat(MigrationMode.parse(parsed(MigrateCommand.class, "migrate", "counter-1", "--to", "edge-b").mode))
                .as("the node picks").isEmpty();
        assertThatThrownBy(() -> MigrationMode.parse("live")).isInstanceOf(TorporException.class)
                .hasMessageContaining("stop-and-copy or post-copy");
        assertThat(MigrateCommand.describe(new MigrationReport("counter-1", "counter", "edge-a", "edge-b", MigrationMode.POST_COPY,
                60L << 20, 2L << 20, true, 900, 300)))
                .startsWith("counter-1 moved edge-a → edge-b by post-copy: image 60.0 MiB, sent 2.0 MiB (zstd)");
    }

    @Test
    void invokePayloadIsOptionalAndEventIsAFlag() {
        InvokeCommand i = parsed(InvokeCommand.class, "invoke", "f", "{\"n\":1}", "--event");
        assertThat(i.payload).isEqualTo("{\"n\":1}");
        assertThat(i.event).isTrue();
        assertThat(parsed(InvokeCommand.class, "invoke", "f").payload).isNull();
    }

    @Test
    void theEndpointIsSharedByEveryClientCommand() {
        String byDefault = System.getenv().getOrDefault("TORPOR_ENDPOINT", NodeClient.DEFAULT_ENDPOINT);
        assertThat(parsed(PsCommand.class, "ps").endpoint.url).isEqualTo(byDefault);
        assertThat(parsed(PsCommand.class, "ps", "--json", "--endpoint", "http://edge-7:9000").endpoint.url).isEqualTo("http://edge-7:9000");
        assertThat(parsed(RmCommand.class, "rm", "f", "--endpoint", "http://h:1").endpoint.url).isEqualTo("http://h:1");
        assertThat(parsed(CheckpointCommand.class, "checkpoint", "f-1", "--endpoint", "http://h:1").endpoint.url).isEqualTo("http://h:1");
    }

    @Test
    void anUnreachableNodeIsOneLineAndExitTwo() {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new TorporCli());
        cli.setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(err));
        int exit = cli.execute("ps", "--endpoint", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: no Torpor node answers at http://127.0.0.1:1").hasLineCount(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aNodeWithoutKeysOnAReachableAddressDoesNotStart(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Path data = tmp.resolve("data");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(said, true));
        try {
            assertThat(new CommandLine(new TorporCli()).execute("node", "--listen", "0.0.0.0:0", "--data", data.toString()))
                    .isEqualTo(ClientCommand.FAILED);
        } finally {
            System.setErr(err);
        }
        assertThat(said.toString()).contains("--credentials").contains("--insecure");
        assertThat(data).doesNotExist();
    }

    @Test
    void nodeTakesCredentialsAndInsecure() {
        NodeCommand n = parsed(NodeCommand.class, "node", "--credentials", "/etc/torpor/credentials", "--insecure");
        assertThat(n.credentials).isEqualTo(Path.of("/etc/torpor/credentials"));
        assertThat(n.insecure).isTrue();
    }
}
