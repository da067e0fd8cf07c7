package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backups between two real nodes: a function's instance is copied to its peer while it keeps running. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackupIT extends TwoNodeCase {
    @Test
    void aSecondBackupOfUnchangedMemoryShipsASmallFractionOfTheFirst() throws Exception {
        assertThat(nodes.a.create("ballast", "counter-python", 128, Map.of("BALLAST_MB", "25"),
                Map.of("torpor:suspend", "none", "torpor:backup", "edge-b", "torpor:backup-interval-ms", "1500")).statusCode())
                .isEqualTo(201);
        assertThat(nodes.a.invoke("ballast", "{}").get("count").asInt()).isEqualTo(1);
        String id = nodes.a.instanceOf("ballast").get("instanceId").asText();

        JsonNode first = awaitBackup(id, 1);
        JsonNode second = awaitBackup(id, 2);

        long image = first.get("imageBytes").asLong();
        System.out.printf("backup of a 25 MB ballast: image %d bytes; shipped %d, then %d%n", image,
                first.get("shippedBytes").asLong(), second.get("shippedBytes").asLong());
        assertThat(image).as("the image holds the 25 MB ballast").isGreaterThan(25L << 20);
        // Not the whole image: the ballast's pages are all alike, and equal chunks travel once.
        assertThat(first.get("shippedBytes").asLong()).as("a first backup ships every distinct chunk: %s", first).isGreaterThan(1L << 20);
        assertThat(second.get("shippedBytes").asLong()).as("the second ships only what changed: %s", second)
                .isLessThan(first.get("shippedBytes").asLong() / 10);
        assertThat(second.get("owner").asText()).isEqualTo("edge-a");
        assertThat(second.get("function").asText()).isEqualTo("ballast");
        assertThat(nodes.a.instance(id).get("state").asText()).as("backups leave the instance running").isEqualTo("IDLE");
        assertThat(nodes.a.invoke("ballast", "{}").get("count").asInt()).as("and its state intact").isEqualTo(2);
        assertThat(nodes.a.childOutput()).contains("backed up " + id + " to edge-b");
    }

    @Test
    void aFunctionInvokedWithoutPauseIsStillBackedUpBetweenItsInvocations() throws Exception {
        assertThat(nodes.a.createTestFunction("busy", "probe", 30, Map.of(),
                Map.of("torpor:suspend", "none", "torpor:backup", "edge-b", "torpor:backup-interval-ms", "1000")).statusCode())
                .isEqualTo(201);
        assertThat(nodes.a.invoke("busy", "{}").get("count").asInt()).isEqualTo(1);
        String id = nodes.a.instanceOf("busy").get("instanceId").asText();
        // Busy 300 ms per event, invoked again as soon as it answers: idle only for a request's round trip.
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> counts = new CopyOnWriteArrayList<>(List.of(1));
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread invoker = Thread.ofPlatform().name("invoker").start(() -> {
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = nodes.a.invokeRaw("busy", "{\"sleep\": 0.3}");
                    if (r.statusCode() == 200 && r.headers().firstValue("X-Amz-Function-Error").isEmpty()) {
                        counts.add(TestNode.json(r.body()).get("count").asInt());
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                    return;
                }
            }
        });
        try {
            for (long seq = 1; seq <= 3; seq++) awaitBackup(id, seq, Duration.ofSeconds(10));
        } finally {
            stop.set(true);
            invoker.join();
        }

        assertThat(failures).as("every invocation answered").isEmpty();
        assertThat(counts).as("one instance counting on, never a second one").isEqualTo(
                IntStream.rangeClosed(1, counts.size()).boxed().toList());
        assertThat(nodes.a.instanceOf("busy").get("instanceId").asText()).isEqualTo(id);
    }

    private JsonNode awaitBackup(String id, long seq) {
        return awaitBackup(id, seq, Duration.ofSeconds(60));
    }

    /** Polls edge-b's list of backups until it holds copy {@code seq} of the instance. */
    private JsonNode awaitBackup(String id, long seq, Duration timeout) {
        JsonNode b = nodes.awaitBackupAfter(nodes.b, id, seq - 1, timeout);
        assertThat(b.get("seq").asLong()).as("backup %d was seen before the next replaced it", seq).isEqualTo(seq);
        return b;
    }
}
