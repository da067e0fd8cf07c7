package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cli.TorporCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The CLI as a user runs it, in this JVM, against a real node: deploy, invoke, ps, checkpoint, logs, rm, trigger. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliIT extends RealNodeCase {
    @Test
    void deployInvokeCheckpointInvokeLogsRemove() {
        Run deploy = torpor("deploy", "counter", TestNode.EXAMPLES.resolve("counter-python").toString(),
                "--env", "BALLAST_MB=20", "--suspend", "none");
        assertThat(deploy.exit).as(deploy.err).isZero();
        assertThat(deploy.out).startsWith("created counter: code ").contains("sha256 ").hasLineCount(1);

        JsonNode first = torpor("invoke", "counter", "{\"n\":1}").json();
        JsonNode second = torpor("invoke", "counter", "{\"n\":2}").json();
        assertThat(second.get("count").asInt()).isEqualTo(first.get("count").asInt() + 1);
        assertThat(second.get("echo").get("n").asInt()).isEqualTo(2);

        String id = node.instanceOf("counter").get("instanceId").asText();
        Run ps = torpor("ps");
        assertThat(ps.out.lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("FUNCTION  INSTANCE"));
        assertThat(row(ps, id)).contains("counter", "IDLE", "MiB", " 2 ", "0/0");

        node.awaitState(id, "IDLE", Duration.ofSeconds(10)); // BUSY until it asks for its next event; only IDLE checkpoints
        Run checkpoint = torpor("checkpoint", id);
        assertThat(checkpoint.exit).as(checkpoint.err).isZero();
        assertThat(checkpoint.out).startsWith(id + " CHECKPOINTED, resident 0 B, checkpoint ");
        assertThat(row(torpor("ps"), id)).contains("CHECKPOINTED", "0 B", "1/0");

        JsonNode third = torpor("invoke", "counter", "{\"n\":3}").json();
        assertThat(third.get("count").asInt()).isEqualTo(second.get("count").asInt() + 1);
        assertThat(third.get("pid").asInt()).isEqualTo(first.get("pid").asInt());
        node.awaitState(id, "IDLE", Duration.ofSeconds(10)); // BUSY until it asks for its next event
        assertThat(row(torpor("ps"), id)).contains("IDLE", "1/1");

        Run logs = torpor("logs", id);
        assertThat(logs.exit).isZero();
        assertThat(logs.out).contains("event 1: {\"n\": 1}", "event 3: {\"n\": 3}");

        Run rm = torpor("rm", "counter");
        assertThat(rm.out).isEqualTo("deleted counter\n");
        assertThat(node.instances()).isEmpty();
        assertThat(torpor("ps").out).hasLineCount(1);
    }

    @Test
    void triggersAreAddedListedAndRemoved() {
        Run deploy = torpor("deploy", "counter", TestNode.EXAMPLES.resolve("counter-python").toString(), "--suspend", "none");
        assertThat(deploy.exit).as(deploy.err).isZero();

        Run add = torpor("trigger", "add", "counter", "--schedule", "rate(1 day)", "--time-zone", "Europe/Paris");
        assertThat(add.exit).as(add.err).isZero();
        assertThat(add.out).contains("rate(1 day) Europe/Paris").hasLineCount(2);
        String id = add.out.lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        assertThat(torpor("trigger", "ls").out).contains(id).hasLineCount(2);

        Run mqtt = torpor("trigger", "add", "counter", "--mqtt", "sensors/#");
        assertThat(mqtt.exit).isEqualTo(2);
        assertThat(mqtt.err).contains("no MQTT broker", "--mqtt-broker");

        Run rm = torpor("trigger", "rm", "counter", id);
        assertThat(rm.exit).as(rm.err).isZero();
        assertThat(torpor("trigger", "ls", "counter").out).hasLineCount(1);
    }

    @Test
    void deployCreatesAFunctionOnAManagedRuntimeGivenItsHandler() {
        String example = TestNode.EXAMPLES.resolve("python-counter").toString();
        Run withoutHandler = torpor("deploy", "py", example, "--runtime", "python3.11");
        assertThat(withoutHandler.exit).isEqualTo(2);
        assertThat(withoutHandler.err).isEqualTo("error: --runtime python3.11 needs --handler\n");

        Run deploy = torpor("deploy", "py", example, "--runtime", "python3.11", "--handler", "app.handler");
        assertThat(deploy.exit).as(deploy.err).isZero();
        assertThat(torpor("invoke", "py", "{\"n\": 1}").json().get("count").asInt()).isEqualTo(1);
    }

    @Test
    void anUnknownFunctionIsTheNodesErrorOnStderrAndExitTwo() {
        Run invoke = torpor("invoke", "nope", "{}");
        assertThat(invoke.exit).isEqualTo(2);
        assertThat(invoke.out).isEmpty();
        assertThat(invoke.err).startsWith("error: ResourceNotFoundException: Function not found: ").hasLineCount(1);
    }

    private Run torpor(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", node.endpoint()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TorporCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String row(Run ps, String id) {
        return ps.out.lines().filter(l -> l.contains(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + id + " in\n" + ps.out));
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            assertThat(exit).as(err).isZero();
            return TestNode.json(out);
        }
    }
}
