package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten functions of 128 MiB, each really holding 60 MB, on a node whose budget keeps two resident: the node serves
 * them all by checkpointing the least recently used, never holding more than its budget, and loses no state.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MemoryBudgetIT extends RealNodeCase {
    private static final long BUDGET = 256L << 20;
    private static final long FUNCTION_MEMORY = 128L << 20;
    private static final int FUNCTIONS = 10;
    private static final int ROUNDS = 3;
    /** States in which an instance holds its reservation (see InstanceState#resident). */
    private static final Set<String> RESIDENT = Set.of("STARTING", "IDLE", "BUSY", "PAUSING", "PAUSED", "RESUMING",
            "CHECKPOINTING", "RESTORING");

    @Override
    long budgetBytes() {
        return BUDGET;
    }

    @Test
    void tenBallastedFunctionsRoundRobinWithinTheBudgetAndKeepTheirCounts() throws Exception {
        for (int f = 0; f < FUNCTIONS; f++) {
            // A long idle time: what suspends instances here is the budget, not the idle policy.
            assertThat(node.create(name(f), "counter-python", 128, Map.of("BALLAST_MB", "60"),
                    Map.of("torpor:suspend", "checkpoint", "torpor:idle-ms", "600000")).statusCode()).isEqualTo(201);
        }
        List<String> seen = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            for (int f = 0; f < FUNCTIONS; f++) {
                JsonNode answer = node.invoke(name(f), "{\"f\":" + f + ",\"round\":" + round + "}");
                assertThat(answer.get("count").asInt()).as("count of %s in round %d", name(f), round).isEqualTo(round);
                assertThat(answer.get("ballastMB").asInt()).isEqualTo(60);
                assertThat(answer.get("echo").get("f").asInt()).isEqualTo(f);
                assertThat(answer.get("echo").get("round").asInt()).isEqualTo(round);
                seen.add(assertWithinBudget(name(f) + " in round " + round));
            }
        }

        JsonNode all = node.instances();
        assertThat(all).hasSize(FUNCTIONS);
        long checkpoints = 0;
        for (JsonNode listed : all) {
            // The last one answered is BUSY until its function asks for the next event.
            JsonNode i = node.awaitInstance(listed.get("instanceId").asText(),
                    v -> Set.of("IDLE", "CHECKPOINTED").contains(v.get("state").asText()), "IDLE or CHECKPOINTED", Duration.ofSeconds(20));
            assertThat(i.get("invocations").asInt()).as(i.toString()).isEqualTo(ROUNDS);
            checkpoints += i.get("checkpoints").asLong();
        }
        // Every invocation after the first two had to make room: that is at least one checkpoint each.
        assertThat(checkpoints).as("checkpoints; usage after each invoke: %s", seen).isGreaterThanOrEqualTo(FUNCTIONS * ROUNDS - 2);
    }

    /** Reservations (instances in resident states) and cgroup usage both stay inside the budget; returns what it saw. */
    private String assertWithinBudget(String after) {
        JsonNode all = node.instances();
        long reserved = 0, resident = 0;
        for (JsonNode i : all) {
            if (RESIDENT.contains(i.get("state").asText())) reserved += FUNCTION_MEMORY;
            resident += i.get("residentMemoryBytes").asLong();
        }
        assertThat(reserved).as("reservations after %s: %s", after, all).isLessThanOrEqualTo(BUDGET);
        assertThat(resident).as("cgroup memory after %s: %s", after, all).isLessThanOrEqualTo(BUDGET);
        JsonNode info = TestNode.json(node.call("GET", "/torpor/v1/node", null).body());
        assertThat(info.get("memoryReservedBytes").asLong()).as("node view after %s: %s", after, info).isLessThanOrEqualTo(BUDGET);
        return (resident >> 20) + "MiB";
    }

    private static String name(int f) {
        return "counter-" + f;
    }
}
