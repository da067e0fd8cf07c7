package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection: kill -9 of a node at a random moment of each lifecycle step, then a restart, then a look at every
 * function: it answers with its state (survived), or starts afresh with its record saying why (lost by design), or
 * neither (lost unexpectedly). Prints the figures per step. One round per step in the suite; {@code ./torpor faults
 * --rounds N} runs N ({@code -Dtorpor.faults.rounds}). An unexpected loss fails the run, but at the steps reported only.
 */
@Timeout(value = 180, unit = TimeUnit.MINUTES)
class FaultsIT extends TwoNodeCase {
    private static final int ROUNDS = Integer.getInteger("torpor.faults.rounds", 1);
    private static final Duration SETTLE = Duration.ofMinutes(3);

    enum Step { START, CHECKPOINT, RESTORE, CODE_UPDATE, MIGRATION_SOURCE, MIGRATION_TARGET }

    /**
     * Steps whose unexpected losses are counted and printed but do not fail the run, while they are being fixed: a
     * source killed mid post-copy sometimes comes back with the function started afresh and no loss recorded (1 in
     * 3 rounds here), or with its restore failing.
     */
    private static final Set<Step> REPORTED_ONLY = EnumSet.of(Step.MIGRATION_SOURCE);

    enum Outcome { SURVIVED, LOST_BY_DESIGN, LOST_UNEXPECTEDLY }

    private int serial;

    @Test
    void everyFunctionAnswersWithItsStateOrItsRecordSaysWhatWasLost() throws Exception {
        long seed = Long.getLong("torpor.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<Step, Map<Outcome, Integer>> figures = new EnumMap<>(Step.class);
        for (int round = 0; round < ROUNDS; round++) {
            for (Step step : Step.values()) {
                Outcome o = round(step, random);
                figures.computeIfAbsent(step, s -> new EnumMap<>(Outcome.class)).merge(o, 1, Integer::sum);
            }
        }
        StringBuilder table = new StringBuilder("faults (seed " + seed + "): step, injected, survived, lost by design, lost unexpectedly\n");
        figures.forEach((step, counts) -> table.append(String.format("  %-17s %3d %3d %3d %3d%n", step, counts.values().stream().mapToInt(i -> i).sum(),
                counts.getOrDefault(Outcome.SURVIVED, 0), counts.getOrDefault(Outcome.LOST_BY_DESIGN, 0),
                counts.getOrDefault(Outcome.LOST_UNEXPECTEDLY, 0))));
        System.out.print(table);
        for (Step step : EnumSet.complementOf(EnumSet.copyOf(REPORTED_ONLY))) {
            assertThat(figures.get(step).getOrDefault(Outcome.LOST_UNEXPECTEDLY, 0)).as("%s lost state unexpectedly:%n%s", step, table).isZero();
        }
    }

    /** A fresh function on edge-a invoked twice (unless the step is its start), the step begun, its node killed. */
    private Outcome round(Step step, Random random) throws Exception {
        String fn = "f" + (++serial);
        assertThat(nodes.a.create(fn, "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode()).isEqualTo(201);
        int before = 0;
        if (step != Step.START) {
            nodes.awaitServed(nodes.a, fn);
            before = nodes.a.invoke(fn, "{}").get("count").asInt();
        }
        String id = step == Step.START ? null : nodes.a.instanceOf(fn).get("instanceId").asText();
        if (step == Step.RESTORE) {
            assertThat(nodes.a.checkpoint(id).statusCode()).isEqualTo(200);
        }
        TestNode victim = step == Step.MIGRATION_TARGET ? nodes.b : nodes.a;
        CompletableFuture<HttpResponse<String>> action = CompletableFuture.supplyAsync(() -> act(step, fn, id));
        try {
            action.get(random.nextInt(3000), TimeUnit.MILLISECONDS); // the moment of the fault
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // still under way (the point), or cut off by the kill below
        }
        victim.kill();
        victim.start();
        try {
            return judge(step, fn, before);
        } catch (AssertionError noAnswer) {
            if (!REPORTED_ONLY.contains(step)) throw noAnswer;
            System.out.printf("%s: %s did not answer within %s%n", step, fn, SETTLE);
            return Outcome.LOST_UNEXPECTEDLY;
        }
    }

    private HttpResponse<String> act(Step step, String fn, String id) {
        Function<String, HttpResponse<String>> migrate = to -> nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate",
                "{\"target\":\"" + to + "\",\"mode\":\"post-copy\"}");
        return switch (step) {
            case START, RESTORE -> nodes.a.invokeRaw(fn, "{}");
            case CHECKPOINT -> nodes.a.checkpoint(id);
            case CODE_UPDATE -> updateCode(fn);
            case MIGRATION_SOURCE, MIGRATION_TARGET -> migrate.apply("edge-b");
        };
    }

    private HttpResponse<String> updateCode(String fn) {
        String zip = Base64.getEncoder().encodeToString(TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-python")));
        return nodes.a.call("PUT", "/2015-03-31/functions/" + fn + "/code", "{\"ZipFile\":\"" + zip + "\"}");
    }

    /**
     * Through edge-a, and where it says the function moved, through edge-b too: the counts must follow each other from
     * where the function was (the invocation cut off by the fault may have run first), with no other copy running, or
     * start afresh with a record saying why. A code update replaces the instance by design; what counts there is
     * that the next one works.
     */
    private Outcome judge(Step step, String fn, int before) {
        HttpResponse<String> answer = answer(nodes.a, fn);
        int viaA = TestNode.json(answer.body()).get("count").asInt();
        boolean moved = answer.headers().firstValue("X-Torpor-Served-By").isPresent();
        int viaB = moved ? TestNode.json(answer(nodes.b, fn).body()).get("count").asInt() : -1;
        boolean oneCopy = moved ? viaB == viaA + 1 : !runsOn(nodes.b, fn);
        if (step == Step.CODE_UPDATE) return updateCode(fn).statusCode() == 200 ? Outcome.SURVIVED : Outcome.LOST_UNEXPECTEDLY;
        if (oneCopy && (viaA == before + 1 || viaA == before + 2)) return Outcome.SURVIVED;
        if (oneCopy && viaA == 1 && lossRecorded(fn)) return Outcome.LOST_BY_DESIGN;
        System.out.printf("%s: %s answered %d via edge-a%s, was at %d%n", step, fn, viaA, moved ? ", " + viaB + " via edge-b" : "", before);
        return Outcome.LOST_UNEXPECTEDLY;
    }

    private HttpResponse<String> answer(TestNode node, String fn) {
        return Await.value(fn + " answers at " + node.endpoint(), () -> {
            try {
                HttpResponse<String> r = node.invokeRaw(fn, "{}");
                boolean ok = r.statusCode() == 200 && r.headers().firstValue("X-Amz-Function-Error").isEmpty();
                return ok ? java.util.Optional.of(r) : java.util.Optional.<HttpResponse<String>>empty();
            } catch (RuntimeException e) {
                return java.util.Optional.<HttpResponse<String>>empty(); // not listening yet
            }
        }, SETTLE, nodes::outputs);
    }

    /** Whether {@code node} runs or keeps an instance of {@code fn} (a second copy, when the other node serves it). */
    private static boolean runsOn(TestNode node, String fn) {
        for (JsonNode i : node.instances()) {
            if (i.get("function").asText().equals(fn) && !List.of("STOPPED", "FAILED").contains(i.get("state").asText())) return true;
        }
        return false;
    }

    /** Whether either node keeps a record of an instance of {@code fn} saying what went wrong. */
    private boolean lossRecorded(String fn) {
        for (TestNode node : new TestNode[] {nodes.a, nodes.b}) {
            for (JsonNode i : node.instances()) {
                if (i.get("function").asText().equals(fn) && !i.path("lastError").isNull() && !i.path("lastError").isMissingNode()) return true;
            }
        }
        return false;
    }
}
