package dev.torpor.api.lambda;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionRules;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The answer of Lambda's ListFunctions: one page, and the marker of the next when there is one. */
@LambdaShape
public record ListFunctionsResponse(List<FunctionConfiguration> functions, String nextMarker) {
    public static final int DEFAULT_MAX_ITEMS = 50;

    /**
     * The page after {@code marker} (null for the first) of at most {@code maxItems} (null for 50) functions, in name
     * order. The marker holds the last name served rather than a position, so functions created or deleted between
     * two calls neither repeat nor push others off the list.
     *
     * @throws TorporException INVALID_PARAMETER for maxItems outside 1..10000 or a marker this did not make
     */
    public static ListFunctionsResponse page(Collection<FunctionConfiguration> functions, String marker, Integer maxItems) {
        int max = maxItems == null ? DEFAULT_MAX_ITEMS : FunctionRules.range("maxItems", maxItems, 1, 10_000);
        String after = marker == null ? "" : decode(marker);
        List<FunctionConfiguration> rest = functions.stream()
                .filter(f -> f.functionName().compareTo(after) > 0)
                .sorted(Comparator.comparing(FunctionConfiguration::functionName))
                .toList();
        if (rest.size() <= max) return new ListFunctionsResponse(rest, null);
        List<FunctionConfiguration> page = rest.subList(0, max);
        return new ListFunctionsResponse(page, encode(page.getLast().functionName()));
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String marker) {
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TorporException.invalid("Invalid marker: " + marker);
        }
    }
}
