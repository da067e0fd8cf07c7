package dev.torpor.api.lambda;

import java.util.Map;

/** The body of Lambda's TagResource and the answer of its ListTags. */
@LambdaShape
public record Tags(Map<String, String> tags) {
    public Tags {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
