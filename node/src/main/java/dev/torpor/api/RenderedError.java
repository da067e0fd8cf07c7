package dev.torpor.api;

/**
 * An error response ready to write: the status, the value of the {@value ErrorRenderer#ERROR_TYPE_HEADER} header, and
 * the JSON body (Content-Type {@value ErrorRenderer#CONTENT_TYPE}).
 */
public record RenderedError(int status, String errorType, byte[] body) {}
