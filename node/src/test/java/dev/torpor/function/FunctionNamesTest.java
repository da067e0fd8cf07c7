package dev.torpor.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "my-function",
        "my-function:$LATEST",
        "arn:aws:lambda:eu-west-1:123456789012:function:my-function",
        "arn:aws:lambda:eu-west-1:123456789012:function:my-function:$LATEST",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:my-function",
        "123456789012:function:my-function"
    })
    void findsTheNameInEveryFormLambdaAccepts(String nameOrArn) {
        assertThat(FunctionNames.fromNameOrArn(nameOrArn)).isEqualTo("my-function");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a/b", "../x", "arn:aws:lambda:eu-west-1:12:function:f", "f:", "f.g"})
    void rejectsWhatIsNeitherNameNorArn(String nameOrArn) {
        TorporException e = catchThrowableOfType(TorporException.class, () -> FunctionNames.fromNameOrArn(nameOrArn));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).startsWith("1 validation error detected: Value '" + nameOrArn + "' at 'functionName'");
    }

    @Test
    void aVersionOrAliasNamesNoFunctionTorporHas() {
        TorporException e = catchThrowableOfType(TorporException.class, () -> FunctionNames.fromNameOrArn("my-function:prod"));

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.getMessage()).startsWith("Function not found: my-function:prod");
    }

    @Test
    void aBareNameIsAtMost64Characters() {
        assertThat(FunctionNames.requireValid("a".repeat(64))).hasSize(64);
        assertThat(catchThrowableOfType(TorporException.class, () -> FunctionNames.requireValid("a".repeat(65))).kind())
                .isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(catchThrowableOfType(TorporException.class, () -> FunctionNames.requireValid(null)).getMessage())
                .contains("Value 'null'");
    }
}
