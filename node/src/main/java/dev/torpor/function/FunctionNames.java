package dev.torpor.function;

import dev.torpor.TorporException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's ways of naming a function. A bare name is also a directory name on the node, so only names matching
 * {@link #NAME} ever reach the file system.
 */
public final class FunctionNames {
    public static final String LATEST = "$LATEST";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Name, full ARN or partial ARN ({@code 123456789012:function:name}), each with an optional qualifier. */
    private static final Pattern NAME_OR_ARN = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?"
                    + "([a-zA-Z0-9_-]{1,64})(?::(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");

    private FunctionNames() {}

    public static String requireValid(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw TorporException.invalid(mismatch(name, NAME));
        }
        return name;
    }

    /**
     * The bare name in {@code my-function}, {@code my-function:$LATEST},
     * {@code arn:aws:lambda:eu-west-1:123456789012:function:my-function} or {@code 123456789012:function:my-function}.
     * Torpor keeps no versions or aliases, so any other qualifier names a function that does not exist.
     */
    public static String fromNameOrArn(String nameOrArn) {
        Matcher m = nameOrArn == null ? null : NAME_OR_ARN.matcher(nameOrArn);
        if (m == null || !m.matches()) {
            throw TorporException.invalid(mismatch(nameOrArn, NAME_OR_ARN));
        }
        String qualifier = m.group(2);
        if (qualifier != null && !qualifier.equals(LATEST)) {
            throw TorporException.notFound(
                    "Function not found: " + nameOrArn + " (Torpor keeps only " + LATEST + ", no versions or aliases)");
        }
        return m.group(1);
    }

    /** Worded as AWS words a failed constraint. */
    private static String mismatch(String value, Pattern pattern) {
        return "1 validation error detected: Value '" + value
                + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + pattern.pattern();
    }
}
