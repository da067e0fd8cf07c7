package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListFunctionsResponseTest {
    private static List<FunctionConfiguration> functions(String... names) {
        return java.util.Arrays.stream(names)
                .map(n -> FunctionConfiguration.of(TestFunctions.named(n), "eu-west-1", "123456789012"))
                .toList();
    }

    private static List<String> names(ListFunctionsResponse page) {
        return page.functions().stream().map(FunctionConfiguration::functionName).toList();
    }

    @Test
    void servesEveryFunctionOnceInNameOrderAcrossPages() {
        var all = functions("e", "b", "a", "d", "c");
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            ListFunctionsResponse page = ListFunctionsResponse.page(all, marker, 2);
            seen.addAll(names(page));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);

        assertThat(seen).containsExactly("a", "b", "c", "d", "e");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aFullLastPageHasNoNextMarker() {
        ListFunctionsResponse page = ListFunctionsResponse.page(functions("a", "b"), null, 2);

        assertThat(names(page)).containsExactly("a", "b");
        assertThat(page.nextMarker()).isNull();
        assertThat(new ObjectMapper().valueToTree(page).has("NextMarker")).isFalse();
    }

    @Test
    void aMarkerSurvivesFunctionsCreatedAndDeletedBetweenCalls() {
        String marker = ListFunctionsResponse.page(functions("a", "b", "c", "d"), null, 2).nextMarker();

        ListFunctionsResponse next = ListFunctionsResponse.page(functions("aa", "c", "d", "e"), marker, 2);

        assertThat(names(next)).containsExactly("c", "d");
    }

    @Test
    void servesFiftyByDefault() {
        var all = functions(IntStream.range(0, 120).mapToObj(i -> "f%03d".formatted(i)).toArray(String[]::new));

        ListFunctionsResponse page = ListFunctionsResponse.page(all, null, null);

        assertThat(page.functions()).hasSize(50);
        assertThat(page.nextMarker()).isNotNull();
    }

    @Test
    void refusesMaxItemsOutOfRangeAndForeignMarkers() {
        var all = functions("a");
        for (int bad : new int[] {0, 10_001}) {
            assertThat(catchThrowableOfType(TorporException.class, () -> ListFunctionsResponse.page(all, null, bad))
                            .getMessage())
                    .contains("Value '" + bad + "' at 'maxItems'");
        }
        TorporException e = catchThrowableOfType(TorporException.class, () -> ListFunctionsResponse.page(all, "%%%", 5));
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).isEqualTo("Invalid marker: %%%");
    }
}
