package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real node given no --mqtt-broker starts Debian's mosquitto as its own broker on the loopback port it is given: a
 * trigger works through it (messages published with mosquitto_pub, as a device's sensor would), also one made by a
 * tag at creation, and the broker goes with the node, whether it stops cleanly or is killed and started again.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalBrokerIT extends RestartableNodeCase {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aNodeWithoutABrokerServesTriggersThroughItsOwnMosquittoAndStopsIt() throws Exception {
        int port = TestNode.freePort("127.0.0.1");
        Path nodeData = data.resolve("node");
        node = TestNode.peer(nodeData, BUDGET, "127.0.0.1", TestNode.freePort("127.0.0.1"), List.of("--mqtt-port", Integer.toString(port)));
        assertThat(mosquittos(nodeData)).as("the node's own mosquitto").hasSize(1);
        assertThat(Files.getPosixFilePermissions(nodeData.resolve("mosquitto"))).hasSize(3);

        var created = node.createTestFunction("seq", "sequence", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> t = node.call("POST", "/torpor/v1/functions/seq/triggers", "{\"type\":\"mqtt\",\"topic\":\"sensors/+/temp\",\"qos\":1}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        String id = TestNode.json(t.body()).get("id").asText();
        Await.until("the node is connected to its mosquitto", () -> TestNode.json(
                node.call("GET", "/torpor/v1/functions/seq/triggers/" + id, null).body()).at("/state/connected").asBoolean(), WAIT);

        publish(port, "sensors/dev1/temp", "{\"n\":1}");
        publish(port, "sensors/dev1/temp", "{\"n\":2}");
        Await.until("both messages reached the function", () -> node.invoke("seq", "{\"report\":true}").get("seen").size() == 2, WAIT);

        // Tags at creation as a shortcut: a bad one creates nothing, a good one a trigger, which goes with its function.
        var refused = node.createTestFunction("tagged", "sequence", 30, Map.of(), Map.of("torpor:schedule", "every minute"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(node.call("GET", "/2015-03-31/functions/tagged", null).statusCode()).isEqualTo(404);
        var tagged = node.createTestFunction("tagged", "sequence", 30, Map.of(),
                Map.of("torpor:suspend", "none", "torpor:mqtt-topic", "alerts/#"));
        assertThat(tagged.statusCode()).as(tagged.body()).isEqualTo(201);
        Await.until("the tag's trigger is subscribed", () -> TestNode.json(node.call("GET", "/torpor/v1/functions/tagged/triggers", null).body())
                .at("/triggers/0/state/connected").asBoolean(), WAIT);
        publish(port, "alerts/door", "{\"n\":7}");
        Await.until("the tagged function got its message", () -> node.invoke("tagged", "{\"report\":true}").get("seen").size() == 1, WAIT);
        assertThat(node.call("DELETE", "/2015-03-31/functions/tagged", null).statusCode()).isEqualTo(204);
        assertThat(node.createTestFunction("tagged", "sequence", 30, Map.of(), Map.of()).statusCode()).isEqualTo(201);
        assertThat(TestNode.json(node.call("GET", "/torpor/v1/functions/tagged/triggers", null).body()).get("triggers"))
                .as("a deleted function's triggers went with it").isEmpty();

        // kill -9: the broker outlives the node, and the node started again stops it before starting its own.
        long orphan = mosquittos(nodeData).getFirst();
        node.kill();
        assertThat(ProcessHandle.of(orphan)).as("mosquitto outlives a kill -9 of its node").isPresent();
        node.start();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("the orphan stopped").isFalse();
        assertThat(mosquittos(nodeData)).hasSize(1);

        node.stop();
        assertThat(mosquittos(nodeData)).as("no mosquitto is left once the node stops").isEmpty();
        assertThat(nodeData.resolve("mosquitto/mosquitto.pid")).doesNotExist();
    }

    private static void publish(int port, String topic, String payload) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
                "-t", topic, "-m", payload).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    /** The mosquitto processes working in the node's data dir. */
    private static List<Long> mosquittos(Path nodeData) {
        String conf = nodeData.toAbsolutePath().normalize().resolve("mosquitto/mosquitto.conf").toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of).map(a -> a.contains(conf)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
