package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes by method and path pattern; every failure leaves through {@link ErrorRenderer}, the one place errors are shaped. */
final class Router implements HttpHandler {
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    private record Route(String method, Pattern path, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final RequestAccess access;
    private final System.Logger log = System.getLogger("torpor.api");

    Router(RequestAccess access) {
        this.access = access;
    }

    /** {@code pattern} is a regex over the path, with named groups for parameters. */
    Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pattern), handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            access.check(exchange);
            response = route(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = error(TorporException.unavailable("the node is shutting down"));
        } catch (Exception e) {
            if (!(e instanceof TorporException) && !(e instanceof com.fasterxml.jackson.core.JsonProcessingException)) {
                log.log(System.Logger.Level.ERROR, "unexpected failure serving " + exchange.getRequestURI(), e);
            }
            response = error(e);
        }
        send(exchange, response);
    }

    private static Response error(Throwable failure) {
        RenderedError e = ErrorRenderer.render(failure);
        return new Response(e.status(), e.headers(), e.body());
    }

    private Response route(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getRawPath();
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.path.matcher(path);
            if (!m.matches()) continue;
            pathKnown = true;
            if (r.method.equals(exchange.getRequestMethod())) return r.handler.handle(new Request(exchange, m));
        }
        throw new TorporException(pathKnown ? ErrorKind.INVALID_PARAMETER : ErrorKind.NOT_FOUND,
                (pathKnown ? "Method " + exchange.getRequestMethod() + " is not allowed on " : "No such resource: ") + path);
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        try (exchange) {
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            boolean noBody = response.status() == 204 || response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) exchange.getResponseBody().write(response.body());
        }
    }
}
