package dev.torpor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.cluster.BackupCommit;
import dev.torpor.cluster.BackupOffer;
import dev.torpor.cluster.BackupReceiver;
import dev.torpor.cluster.Failover;
import dev.torpor.cluster.Lease;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.MigrationMode;
import dev.torpor.cluster.MigrationOffer;
import dev.torpor.cluster.MigrationReceiver;
import dev.torpor.cluster.Migrations;
import dev.torpor.cluster.PageHeaders;
import dev.torpor.cluster.PageServing;
import dev.torpor.cluster.PeerNode;
import dev.torpor.cluster.Replica;
import dev.torpor.function.FunctionNames;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Moving and copying instances between nodes: what an operator asks (migrate, drain), and what one node asks another. */
final class ClusterHandler {
    private static final long MAX_REPLICA = 100L * 1024 * 1024;
    /** A chunk list or recipe: 67 bytes of JSON per 4 KiB page, so about 17 MB for a 1 GiB image. */
    private static final int MAX_OFFER = 64 << 20;
    /** Owners renew every ttl/3; a ttl past an hour would leave a dead owner's functions unserved for that long. */
    private final Migrations migrations;
    private final MigrationReceiver receiver;
    private final BackupReceiver backups;
    private final Failover failover;
    private final PageServing pages;
    private final Membership membership;

    ClusterHandler(Migrations migrations, MigrationReceiver receiver, BackupReceiver backups, Failover failover,
                   PageServing pages, Membership membership) {
        this.pages = pages;
        this.membership = membership;
        this.migrations = migrations;
        this.receiver = receiver;
        this.backups = backups;
        this.failover = failover;
    }

    /** An operator's migrate and drain are open to whoever the signature check lets in; the rest only to other nodes. */
    void register(Router router) {
        router.add("POST", "/torpor/v1/instances/(?<id>[^/]+)/migrate", this::migrate)
                .add("POST", "/torpor/v1/node/drain", r -> {
                    JsonNode body = JsonBody.object(r, 4096);
                    return Response.json(200, Map.of("migrations", migrations.drain(JsonBody.flag(body, "compress", true))));
                })
                .addNodeToNode("POST", "/torpor/v1/migrations/prepare", r -> Response.json(200,
                        receiver.prepare(read(r, 64 * 1024, MigrationOffer.class).validated())))
                .addNodeToNode("PUT", "/torpor/v1/replicas/(?<name>[^/]+)", r -> {
                    Replica replica = read(r, MAX_REPLICA, Replica.class).validated();
                    if (!replica.definition().name().equals(r.functionName())) {
                        throw TorporException.invalid("the replica's name does not match the path");
                    }
                    return Response.json(200, Map.of("codeSha256", receiver.replica(replica).codeSha256()));
                })
                .addNodeToNode("POST", "/torpor/v1/migrations/(?<id>[^/]+)/image", r -> {
                    String function = FunctionNames.requireValid(r.requiredQuery("function"));
                    Optional<PeerNode> postCopyFrom = Optional.ofNullable(r.query("postCopyFrom")).map(membership::require);
                    PeerNode source = postCopyFrom.orElseGet(() -> membership.require(r.requiredQuery("from")));
                    return Response.json(200, receiver.receive(r.instanceId(), function, r.stream(), source, postCopyFrom.isPresent()));
                })
                .addNodeToNode("GET", "/torpor/v1/migrations/(?<id>[^/]+)", r -> Response.json(200, receiver.status(r.instanceId())))
                .addNodeToNode("GET", "/torpor/v1/migrations/(?<id>[^/]+)/pages", this::pages)
                .addNodeToNode("POST", "/torpor/v1/migrations/(?<id>[^/]+)/pages/done", r -> {
                    pages.finished(r.instanceId(), JsonBody.text(JsonBody.object(r, 64 * 1024), "error"));
                    return Response.empty(204);
                })
                .addNodeToNode("GET", "/torpor/v1/backups", r -> Response.json(200, Map.of("backups", backups.list())))
                .addNodeToNode("POST", "/torpor/v1/backups/(?<id>[^/]+)/missing", r -> Response.json(200,
                        backups.missing(r.instanceId(), read(r, MAX_OFFER, BackupOffer.class).validated())))
                .addNodeToNode("POST", "/torpor/v1/backups/(?<id>[^/]+)/chunks", r ->
                        Response.json(200, Map.of("received", backups.chunks(r.stream()))))
                .addNodeToNode("POST", "/torpor/v1/backups/(?<id>[^/]+)", r -> Response.json(200,
                        backups.commit(r.instanceId(), read(r, MAX_OFFER, BackupCommit.class).validated())))
                .addNodeToNode("PUT", "/torpor/v1/leases/(?<name>[^/]+)", this::renewLease)
                .addNodeToNode("GET", "/torpor/v1/leases/(?<name>[^/]+)", r -> {
                    String name = r.functionName();
                    Lease l = failover.lease(name).orElseThrow(() -> TorporException.notFound("no lease of " + name + " here"));
                    return Response.json(200, Map.of("function", name, "owner", l.owner(), "epoch", l.epoch()));
                });
    }

    /** Body {@code {"target": "edge-b", "compress": true, "mode": "post-copy"}}; without a mode, the fastest both nodes can. */
    private Response migrate(Request r) throws IOException, InterruptedException {
        JsonNode body = JsonBody.object(r, 4096);
        String target = JsonBody.text(body, "target");
        if (target == null || target.isBlank()) throw TorporException.invalid("say where to: {\"target\": \"<node id>\"}");
        return Response.json(200, migrations.migrate(r.instanceId(), target, JsonBody.flag(body, "compress", true),
                MigrationMode.parse(JsonBody.text(body, "mode"))));
    }

    /** Pages of a post-copy still here: {@code ?pid=&vaddr=&count=}, zstd-compressed as the move asked, with the raw pages' CRC32C. */
    private Response pages(Request r) {
        PageServing.Piece piece = pages.read(r.instanceId(), r.requiredQueryLong("pid", 1, Integer.MAX_VALUE),
                r.requiredQueryLong("vaddr", 0, Long.MAX_VALUE), (int) r.requiredQueryLong("count", 1, Integer.MAX_VALUE));
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/octet-stream",
                PageHeaders.RAW_LENGTH, Integer.toString(piece.rawLength()), PageHeaders.CRC32C, Long.toString(piece.crc32c())));
        if (piece.zstd()) headers.put("Content-Encoding", "zstd");
        return new Response(200, headers, piece.body());
    }

    /** Body {@code {"owner": "edge-a", "epoch": 1, "ttlMs": 6000}}; 409 when this node took the function over. */
    private Response renewLease(Request r) throws IOException {
        JsonNode body = JsonBody.object(r, 4096);
        String owner = JsonBody.text(body, "owner");
        if (owner == null || owner.isBlank()) throw TorporException.invalid("a lease is {\"owner\", \"epoch\" ≥ 1, \"ttlMs\"}");
        long epoch = JsonBody.wholeNumber(body, "epoch", 1, Long.MAX_VALUE);
        long ttlMs = JsonBody.wholeNumber(body, "ttlMs", 1, Lease.MAX_TTL.toMillis());
        // Owners renew their own leases only: a member may not take a function over in another's name.
        Optional<String> caller = r.requireMember();
        if (caller.isPresent() && !caller.get().equals(owner)) {
            throw new TorporException(ErrorKind.NOT_A_MEMBER, "node " + caller.get() + " may renew its own leases only, not one of " + owner);
        }
        Lease l = failover.renewed(r.functionName(), owner, epoch, Duration.ofMillis(ttlMs));
        return Response.json(200, Map.of("function", l.function(), "owner", l.owner(), "epoch", l.epoch()));
    }

    private static <T> T read(Request r, long limit, Class<T> type) throws IOException {
        return JsonBody.read(r, limit, "request body too large", type);
    }
}
