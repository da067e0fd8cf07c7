package dev.torpor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.TorporException;
import java.io.IOException;

/**
 * Request bodies read as JSON, each field checked for its type and range: a wrong value is INVALID_PARAMETER, never
 * quietly read as a default (Jackson's {@code asLong} would turn {@code "ttlMs": "soon"} into 0).
 */
final class JsonBody {
    private JsonBody() {}

    /** The body as a JSON object; an empty body is an empty object. */
    static JsonNode object(Request r, long limit) throws IOException {
        byte[] body = r.body(limit, "request body too large");
        JsonNode node = body.length == 0 ? Response.JSON.createObjectNode() : Response.JSON.readTree(body);
        if (node == null || !node.isObject()) throw TorporException.invalid("expected a JSON object");
        return node;
    }

    /** The body as {@code type}; an empty body is an empty object. */
    static <T> T read(Request r, long limit, String tooLargeMessage, Class<T> type) throws IOException {
        return parse(r.body(limit, tooLargeMessage), type);
    }

    /** {@code body} as {@code type}; an empty body is an empty object. */
    static <T> T parse(byte[] body, Class<T> type) throws IOException {
        T value = Response.JSON.readValue(body.length == 0 ? "{}".getBytes() : body, type);
        if (value == null) throw TorporException.invalid("expected a JSON object");
        return value;
    }

    static long wholeNumber(JsonNode body, String field, long min, long max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw TorporException.invalid("\"" + field + "\" must be a whole number in " + min + ".." + max);
        }
        if (v.asLong() < min || v.asLong() > max) {
            throw TorporException.invalid("\"" + field + "\" must be in " + min + ".." + max + ", not " + v.asLong());
        }
        return v.asLong();
    }

    static boolean flag(JsonNode body, String field, boolean absent) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return absent;
        if (!v.isBoolean()) throw TorporException.invalid("\"" + field + "\" must be true or false, not " + v);
        return v.asBoolean();
    }

    /** Null when absent. */
    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw TorporException.invalid("\"" + field + "\" must be a string, not " + v);
        return v.asText();
    }
}
