package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.torpor.cluster.MoveUnderWay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The moves under way through the real router: migrations first, then backup rounds, each with its peer and start. */
@Timeout(30)
class MovesHandlerTest {
    @Test
    void listsTheMigrationsAndBackupsUnderWay() throws Exception {
        Instant since = Instant.parse("2026-12-02T12:00:00Z");
        Router router = new Router(RequestAccess.open(), new Members(Optional.empty()));
        new MovesHandler(() -> List.of(new MoveUnderWay(MoveUnderWay.Kind.MIGRATION, "counter", "edge-b", since)),
                () -> List.of(new MoveUnderWay(MoveUnderWay.Kind.BACKUP, "ledger", "edge-c", since))).register(router);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", router);
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/torpor/v1/moves")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode moves = Response.JSON.readTree(r.body()).get("moves");
            assertThat(moves).hasSize(2);
            assertThat(moves.get(0).get("kind").asText()).isEqualTo("MIGRATION");
            assertThat(moves.get(0).get("function").asText()).isEqualTo("counter");
            assertThat(moves.get(0).get("peer").asText()).isEqualTo("edge-b");
            assertThat(moves.get(1).get("kind").asText()).isEqualTo("BACKUP");
            assertThat(moves.get(1).get("peer").asText()).isEqualTo("edge-c");
            assertThat(Instant.parse(moves.get(1).get("since").asText())).isEqualTo(since);
        } finally {
            server.stop(0);
        }
    }
}
