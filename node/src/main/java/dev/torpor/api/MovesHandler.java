package dev.torpor.api;

import dev.torpor.cluster.MoveUnderWay;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** {@code GET /torpor/v1/moves}: the migrations and backups from this node under way now, read-only, for the dashboard. */
final class MovesHandler {
    static final String PATH = "/torpor/v1/moves";

    private final Supplier<List<MoveUnderWay>> migrations;
    private final Supplier<List<MoveUnderWay>> backups;

    MovesHandler(Supplier<List<MoveUnderWay>> migrations, Supplier<List<MoveUnderWay>> backups) {
        this.migrations = migrations;
        this.backups = backups;
    }

    void register(Router router) {
        router.add("GET", PATH + "/?", r -> Response.json(200, Map.of("moves", underWay())));
    }

    List<MoveUnderWay> underWay() {
        return Stream.concat(migrations.get().stream(), backups.get().stream()).toList();
    }
}
