package dev.torpor.api;

import dev.torpor.ErrorKind;
import java.util.Map;

/**
 * An error response ready to write: the status, the value of the {@value ErrorRenderer#ERROR_TYPE_HEADER} header, the
 * kind it renders (for peers, in {@value ErrorKind#HEADER}), and the JSON body (Content-Type
 * {@value ErrorRenderer#CONTENT_TYPE}).
 */
public record RenderedError(int status, String errorType, ErrorKind kind, byte[] body) {
    public Map<String, String> headers() {
        return Map.of(ErrorRenderer.ERROR_TYPE_HEADER, errorType, ErrorKind.HEADER, kind.name(),
                "Content-Type", ErrorRenderer.CONTENT_TYPE);
    }
}
