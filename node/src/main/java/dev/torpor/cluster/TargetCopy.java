package dev.torpor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.time.Duration;
import java.util.Optional;

/**
 * How the target of a move holds the instance, in its own words ({@code GET /torpor/v1/migrations/{id}}): not at all,
 * with pages still arriving, or whole. What the source goes by while it waits, and when it starts again mid-move.
 */
record TargetCopy(boolean held, boolean arriving) {
    boolean whole() {
        return held && !arriving;
    }

    /** Empty when the target cannot be asked (down, restarting, unreachable): silence says nothing about its copy. */
    static Optional<TargetCopy> ask(PeerClient peers, PeerNode target, String instanceId, Duration timeout) {
        try {
            JsonNode status = peers.call(target, "GET", "/torpor/v1/migrations/" + instanceId, null, timeout);
            return Optional.of(new TargetCopy(true, status.path("arriving").asBoolean(true)));
        } catch (TorporException e) {
            return e.kind() == ErrorKind.NOT_FOUND ? Optional.of(new TargetCopy(false, false)) : Optional.empty();
        }
    }
}
