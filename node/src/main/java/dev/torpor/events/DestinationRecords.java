package dev.torpor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.function.FunctionNames;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Lambda's invocation records, sent to a function's OnSuccess / OnFailure destination (another function, whose queue
 * takes the record as an event): what was asked, how it ended, what the function answered.
 */
final class DestinationRecords implements FunctionDelivery.Outcomes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("torpor.events");

    /** Queues a record for a destination function; refuses as {@link EventQueues#enqueue} does. */
    interface Sink {
        void send(String function, byte[] record);
    }

    private final LambdaAccount account;
    private final Sink sink;

    DestinationRecords(LambdaAccount account, Sink sink) {
        this.account = account;
        this.sink = sink;
    }

    @Override
    public void delivered(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Delivered delivered) {
        if (config.onSuccess() != null) send(config.onSuccess(), event, "Success", event.attempts() + 1, delivered.result());
    }

    @Override
    public void dropped(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Drop drop) {
        if (config.onFailure() != null) send(config.onFailure(), event, drop.reason().name(), drop.attempts(), drop.lastResult());
    }

    private void send(String destination, QueuedEvent event, String condition, int invokeCount, InvocationResult result) {
        try {
            sink.send(FunctionNames.fromNameOrArn(destination), record(event, condition, invokeCount, result));
        } catch (RuntimeException e) {
            // The event itself is done; its record is what is lost, and the node says so.
            LOG.log(System.Logger.Level.WARNING, "the " + condition + " record of event " + event.id() + " could not be sent to "
                    + destination + ": " + e.getMessage());
        }
    }

    byte[] record(QueuedEvent event, String condition, int invokeCount, InvocationResult result) {
        ObjectNode r = JSON.createObjectNode().put("version", "1.0").put("timestamp", Instant.now().toString());
        r.putObject("requestContext").put("requestId", event.id())
                .put("functionArn", account.functionArn(event.function()) + ":$LATEST")
                .put("condition", condition).put("approximateInvokeCount", invokeCount);
        r.set("requestPayload", parsed(event.payload()));
        if (result != null) {
            ObjectNode response = r.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST");
            if (result.functionError() != null) response.put("functionError", result.functionError());
            r.set("responsePayload", parsed(result.payload()));
        }
        return r.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A payload as JSON when it is JSON (events always are), else as a string. */
    private static JsonNode parsed(byte[] payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            return node == null ? JSON.nullNode() : node;
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
