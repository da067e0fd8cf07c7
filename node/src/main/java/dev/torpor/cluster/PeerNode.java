package dev.torpor.cluster;

import dev.torpor.TorporException;
import java.net.URI;

/** Another node this one knows: its id and where its API answers. */
public record PeerNode(String id, URI endpoint) {

    /** Parses {@code id=http://host:port} (https with TLS between nodes), the form of {@code --peer}. */
    public static PeerNode parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) throw TorporException.invalid("a peer is id=http://host:port, not '" + spec + "'");
        URI uri = URI.create(spec.substring(eq + 1).strip());
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw TorporException.invalid("peer " + spec.substring(0, eq) + " needs an http://host:port or https://host:port address");
        }
        return new PeerNode(spec.substring(0, eq).strip(), uri);
    }
}
