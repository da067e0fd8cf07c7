package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes by method and path pattern; every failure leaves through {@link ErrorRenderer}, the one place errors are shaped. */
final class Router implements HttpHandler {
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** {@code membersOnly}: a node-to-node route, refused to callers outside the cluster before anything else. */
    private record Route(String method, Pattern path, Handler handler, boolean membersOnly) {}

    private final List<Route> routes = new ArrayList<>();
    private final RequestAccess access;
    private final Members members;
    private final System.Logger log = System.getLogger("torpor.api");

    Router(RequestAccess access, Members members) {
        this.access = access;
        this.members = members;
    }

    /** {@code pattern} is a regex over the path, with named groups for parameters. */
    Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pattern), handler, false));
        return this;
    }

    /** A route only other nodes of the cluster call: images, pages, backups, leases, replicas. */
    Router addNodeToNode(String method, String pattern, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pattern), handler, true));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            Optional<Matched> matched = match(exchange);
            // A stranger is refused from the TLS session alone, before its body is read to check a signature.
            if (matched.isPresent() && matched.get().route.membersOnly) members.require(exchange);
            access.check(exchange);
            response = dispatch(exchange, matched);
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

    private record Matched(Route route, Matcher path) {}

    private Optional<Matched> match(HttpExchange exchange) {
        for (Route r : routes) {
            Matcher m = r.path.matcher(exchange.getRequestURI().getRawPath());
            if (m.matches() && r.method.equals(exchange.getRequestMethod())) return Optional.of(new Matched(r, m));
        }
        return Optional.empty();
    }

    private Response dispatch(HttpExchange exchange, Optional<Matched> matched) throws Exception {
        if (matched.isPresent()) return matched.get().route.handler.handle(new Request(exchange, matched.get().path, members));
        String path = exchange.getRequestURI().getRawPath();
        boolean pathKnown = routes.stream().anyMatch(r -> r.path.matcher(path).matches());
        TorporException unsupported = UnsupportedOperations.refusal(exchange.getRequestMethod(), path);
        if (unsupported != null) throw unsupported;
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
