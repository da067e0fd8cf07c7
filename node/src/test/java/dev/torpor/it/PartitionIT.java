package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner of a backed-up function loses its link to the backup peer while both keep running. The owner fences
 * itself: once its lease lapses it refuses the function, answers nothing more (not even an invocation that began
 * before) and runs no container of it; the peer takes over from the last backup only after that; no probe finds
 * both answering; and once the link is back the old owner forwards to the peer. Each node runs in a network namespace
 * this test makes ({@link NamespacePair}); every request goes to an address inside them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PartitionIT {
    private static final Duration TTL = Duration.ofMillis(1500);
    /** Probes go out this often to each node, for at most this long. */
    private static final Duration PROBE_EVERY = Duration.ofMillis(50);
    private static final Duration PROBE_FOR = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private NamespacePair net;
    private TwoNodes nodes;

    @BeforeEach
    void start() throws Exception {
        RealStack.require();
        net = NamespacePair.make();
        nodes = TwoNodes.in(net, root, List.of("--lease-ttl-ms", Long.toString(TTL.toMillis())));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (nodes != null) nodes.close(); // kills both and sweeps their containers and namespaces
        } finally {
            if (net != null) net.close();
        }
    }

    /** One invocation by the test: when it was sent and answered (ms since the first), and what came back. */
    private record Probe(String node, long sentMs, long answeredMs, int status, String errorType, String servedBy, int count,
                         String body) {
        boolean served() {
            return status == 200 && errorType.isEmpty();
        }
    }

    @Test
    void theCutOffOwnerFencesItselfBeforeThePeerTakesOverAndForwardsAfterTheHeal() throws Exception {
        nodes.counterBackedUpOnB();
        String id = nodes.a.instanceOf("counter").get("instanceId").asText();
        List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> inFlight = new ArrayList<>();
        // An invocation that runs across the lease's end and the takeover: its answer must not come out of A.
        long t0 = System.nanoTime();
        inFlight.add(probe(nodes.a, "edge-a", "{\"sleep\": " + TTL.multipliedBy(3).toMillis() / 1000.0 + "}", t0, probes));
        nodes.a.awaitState(id, "BUSY", Duration.ofSeconds(10));

        net.cut();
        long cutMs = ms(System.nanoTime() - t0);
        while (System.nanoTime() - t0 < PROBE_FOR.toNanos() && served(probes, "edge-b").size() < 3) {
            inFlight.add(probe(nodes.a, "edge-a", "{}", t0, probes));
            inFlight.add(probe(nodes.b, "edge-b", "{}", t0, probes));
            Thread.sleep(PROBE_EVERY); // the probes' cadence, which is the test: not a wait for anything
        }
        for (Thread t : inFlight) t.join();

        List<Probe> all = List.copyOf(probes);
        String log = "cut at " + cutMs + " ms\n" + String.join("\n", all.stream().map(Probe::toString).toList()) + "\n" + nodes.outputs();
        List<Probe> onB = served(all, "edge-b");
        assertThat(onB).as("B takes over within %s: %s", PROBE_FOR, log).hasSizeGreaterThanOrEqualTo(3);
        assertThat(onB.stream().mapToInt(Probe::count).min().orElseThrow()).as("B serves from the last backup: %s", log)
                .isEqualTo(TwoNodes.COUNT + 1);
        // B answers only after a restore, which begins only once A's lease has run out: an answer A gave after that
        // would arrive here after B's first.
        long bFirstAnswered = onB.stream().mapToLong(Probe::answeredMs).min().orElseThrow();
        for (Probe p : served(all, "edge-a")) {
            assertThat(p.answeredMs()).as("A answered %s after B began serving: %s", p, log).isLessThan(bFirstAnswered);
        }
        List<Probe> refusedByA = all.stream().filter(p -> p.node().equals("edge-a") && !p.served()).toList();
        assertThat(refusedByA).as("A refuses the function once its lease lapses: %s", log).isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.status()).isEqualTo(409);
                    assertThat(p.errorType()).isEqualTo("ResourceConflictException");
                    assertThat(p.body()).contains("lease");
                });
        assertThat(refusedByA.stream().mapToLong(Probe::answeredMs).min().orElseThrow()).as("A refused before B served: %s", log)
                .isLessThan(bFirstAnswered);
        assertThat(refusedByA.stream().filter(p -> p.sentMs() < cutMs).map(Probe::body))
                .as("the invocation in flight at the cut ran, but A withheld its answer: %s", log)
                .singleElement().asString().contains("answer is withheld");
        // The invocation that straddled the cut ran to its end; then A checkpoints its copy, still cut off.
        nodes.a.awaitState(id, "CHECKPOINTED", Duration.ofSeconds(30));
        assertThat(nodes.a.containers()).as("no container of counter runs on A during the partition").isEmpty();

        net.heal();
        HttpResponse<String> viaA = nodes.awaitAnswer(nodes.a, "counter");
        assertThat(viaA.headers().firstValue("X-Torpor-Served-By")).as("A forwards to B: %s", viaA.body()).contains("edge-b");
        int lastOnB = onB.stream().mapToInt(Probe::count).max().orElseThrow();
        assertThat(TestNode.json(viaA.body()).get("count").asInt()).as("and B's count goes on").isEqualTo(lastOnB + 1);
        assertThat(nodes.a.containers()).as("no container of counter left on A").isEmpty();
        for (JsonNode i : nodes.a.instances()) {
            assertThat(i.get("function").asText()).as("no instance of counter on A: %s", i).isNotEqualTo("counter");
        }
        assertThat(nodes.a.childOutput()).contains("edge-b took over counter");
    }

    /** The probes that {@code node} answered, whichever node the test sent them to. */
    private static List<Probe> served(List<Probe> probes, String node) {
        synchronized (probes) {
            return probes.stream().filter(p -> p.served() && p.servedBy().equals(node)).toList();
        }
    }

    /** Invokes the counter on {@code node} in a thread of its own, adding what came back to {@code probes}. */
    private static Thread probe(TestNode node, String name, String payload, long t0, List<Probe> probes) {
        return Thread.ofVirtual().start(() -> {
            long sent = System.nanoTime();
            try {
                HttpResponse<String> r = node.call("POST", "/2015-03-31/functions/counter/invocations", payload);
                long answered = System.nanoTime();
                String error = r.headers().firstValue("X-Amzn-ErrorType").or(() -> r.headers().firstValue("X-Amz-Function-Error")).orElse("");
                int count = r.statusCode() == 200 ? TestNode.json(r.body()).path("count").asInt(-1) : -1;
                probes.add(new Probe(name, ms(sent - t0), ms(answered - t0), r.statusCode(), error,
                        r.headers().firstValue("X-Torpor-Served-By").orElse(name), count, r.body()));
            } catch (RuntimeException e) {
                probes.add(new Probe(name, ms(sent - t0), ms(System.nanoTime() - t0), -1, e.toString(), "", -1, ""));
            }
        });
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
