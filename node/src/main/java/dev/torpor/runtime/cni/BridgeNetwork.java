package dev.torpor.runtime.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The node's bridge, through which {@code outbound} functions reach the world, made and unmade with the CNI
 * reference plugins: {@code host-local} keeps each container's address, and {@code bridge} (with IP masquerade and
 * the address {@code host-local} gave, through {@code static}) and {@code firewall} wire it into the container's
 * namespace.
 *
 * <p>The address is the container's from its first start until it is removed, not the namespace's: runc never
 * restores a namespace, so the node wires a new one before every restore, with the same address, and an
 * established outside connection restores with it ({@code --tcp-established}). That is why the address is reserved
 * by calling {@code host-local} alone, and not as the bridge's own IPAM, which gives an address back at every DEL.
 * The bridge is unwired (DEL) before a checkpoint lets go of the namespace, while its interface is there to be
 * found: DEL in a namespace already gone leaves the masquerade rules behind.
 */
public final class BridgeNetwork {
    private static final System.Logger LOG = System.getLogger("torpor.runtime");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PLUGIN_DIR = Path.of("/usr/lib/cni");
    private static final List<String> PLUGINS = List.of("bridge", "host-local", "static", "firewall");
    private static final String CNI_VERSION = "1.0.0";
    private static final String IFNAME = "eth0";

    private final Cni cni;
    private final String name;
    private final String bridge;
    private final String subnet;
    private final String gateway;
    private final Path ipamDir;
    private final Path addresses;
    private final Path wired;
    private final HostGuard guard;

    BridgeNetwork(Cni cni, String scope, Path dir, HostGuard guard) {
        this.cni = cni;
        this.name = "torpor-" + scope;
        this.bridge = "torpor" + scope;
        String net = subnetFor(scope);
        this.subnet = net + "0/24";
        this.gateway = net + "1";
        this.ipamDir = dir.resolve("ipam");
        this.addresses = dir.resolve("addresses");
        this.wired = dir.resolve("wired");
        this.guard = guard;
    }

    /**
     * The bridge of the node whose names carry {@code scope}, keeping its files in {@code dir}; empty, and said so,
     * when this host lacks the plugins.
     */
    public static Optional<BridgeNetwork> onHost(String scope, Path dir) {
        return onHost(scope, dir, PLUGIN_DIR);
    }

    static Optional<BridgeNetwork> onHost(String scope, Path dir, Path pluginDir) {
        List<String> missing = PLUGINS.stream().filter(p -> !Files.isExecutable(pluginDir.resolve(p))).toList();
        if (!missing.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no CNI plugin " + String.join(", ", missing) + " in " + pluginDir
                    + " (Debian package containernetworking-plugins): only functions with torpor:network none can run here");
            return Optional.empty();
        }
        BridgeNetwork network = new BridgeNetwork(new PluginCni(pluginDir), scope, dir, new HostGuard(scope, "torpor" + scope));
        network.guard.install();
        return Optional.of(network);
    }

    /**
     * A /24 of 10.64.0.0/10 chosen by the scope, so that two nodes on one host get bridges apart. Its gateway (the
     * bridge's own address) ends in .1.
     */
    static String subnetFor(String scope) {
        int h = Integer.parseUnsignedInt(scope, 16);
        return "10." + (64 + ((h >>> 8) & 63)) + "." + (h & 255) + ".";
    }

    /**
     * Wires the container's namespace {@code netns} to the bridge at the container's address, reserved at its first
     * attach here; returns the address.
     */
    public String attach(String containerId, Path netns) {
        String address = address(containerId).orElseGet(() -> reserve(containerId, netns));
        Cni.Attachment at = new Cni.Attachment(containerId, netns, IFNAME);
        JsonNode added;
        try {
            added = cni.add(bridgeList(address), at);
        } catch (RuntimeException e) {
            undoHalfAdded(at, address, e);
            throw e;
        }
        write(wired.resolve(containerId), added.toString());
        return address;
    }

    /** A plugin of the list failed: those before it have wired part of it, which DEL unwires (as libcni leaves to us). */
    private void undoHalfAdded(Cni.Attachment at, String address, RuntimeException failure) {
        try {
            cni.del(bridgeList(address), at, null);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Unwires the container's namespace from the bridge; its address stays its own. Quiet when it is not wired. */
    public void detach(String containerId, Path netns) {
        Path record = wired.resolve(containerId);
        Optional<String> address = address(containerId);
        if (!Files.exists(record) || address.isEmpty()) return;
        try {
            cni.del(bridgeList(address.get()), new Cni.Attachment(containerId, netns, IFNAME), JSON.readTree(record.toFile()));
            Files.delete(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unwires the container if it is wired, and gives its address back. */
    public void release(String containerId, Path netns) {
        detach(containerId, netns);
        if (address(containerId).isEmpty() && !reservedInStore().contains(containerId)) return;
        cni.del(ipamList(), new Cni.Attachment(containerId, netns, IFNAME), null);
        try {
            Files.deleteIfExists(addresses.resolve(containerId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container's address, with no prefix length; empty when it has none here. */
    public Optional<String> address(String containerId) {
        Path record = addresses.resolve(containerId);
        try {
            return Files.exists(record) ? Optional.of(Files.readString(record).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives back every address (unwiring it first) of a container not in {@code held}: what a node that was killed
     * or lost a record leaves in the store, so no address leaks across restarts.
     */
    public void keepOnly(Set<String> held, Function<String, Path> netnsOf) {
        Set<String> known = new HashSet<>(reservedInStore());
        known.addAll(list(addresses));
        for (String id : known) {
            if (held.contains(id)) continue;
            try {
                release(id, netnsOf.apply(id));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the address of " + id + " could not be given back", e);
            }
        }
    }

    /**
     * Unwires what is still wired (containers left running keep their addresses for the next start), then removes
     * the bridge, the guard's chain and CNI's firewall chains if nobody else's rule is in them.
     */
    public void close(Function<String, Path> netnsOf) {
        for (String id : list(wired)) {
            try {
                detach(id, netnsOf.apply(id));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the network of " + id + " could not be unwired", e);
            }
        }
        guard.remove();
        HostCommands.runAllowingFailure(List.of("ip", "link", "delete", bridge));
        FirewallChains.removeIfUnused();
    }

    /** Where {@code host-local} keeps the reservations: a file per address, naming its container. */
    public Path store() {
        return ipamDir.resolve(name);
    }

    private String reserve(String containerId, Path netns) {
        JsonNode result = cni.add(ipamList(), new Cni.Attachment(containerId, netns, IFNAME));
        String cidr = result.path("ips").path(0).path("address").asText();
        if (cidr.isEmpty()) throw new TorporException(ErrorKind.FAILED, "host-local gave " + containerId + " no address: " + result);
        String address = cidr.substring(0, cidr.indexOf('/'));
        write(addresses.resolve(containerId), address);
        return address;
    }

    private Set<String> reservedInStore() {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.isDirectory(store()) ? Files.list(store()) : Stream.empty()) {
            for (Path f : files.filter(f -> Character.isDigit(f.getFileName().toString().charAt(0))).toList()) {
                Files.readString(f).lines().findFirst().ifPresent(id -> ids.add(id.strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    private ObjectNode ipamList() {
        ObjectNode range = JSON.createObjectNode().put("subnet", subnet).put("gateway", gateway);
        ObjectNode ipam = JSON.createObjectNode().put("type", "host-local").put("dataDir", ipamDir.toString());
        ipam.putArray("ranges").addArray().add(range);
        return list(JSON.createObjectNode().put("type", "host-local").set("ipam", ipam));
    }

    private ObjectNode bridgeList(String address) {
        ObjectNode ipam = JSON.createObjectNode().put("type", "static");
        ipam.putArray("addresses").addObject().put("address", address + "/24").put("gateway", gateway);
        ObjectNode bridgePlugin = JSON.createObjectNode().put("type", "bridge").put("bridge", bridge)
                .put("isDefaultGateway", true).put("ipMasq", true);
        bridgePlugin.set("ipam", ipam);
        return list(bridgePlugin, JSON.createObjectNode().put("type", "firewall").put("backend", "iptables"));
    }

    private ObjectNode list(JsonNode... plugins) {
        ObjectNode list = JSON.createObjectNode().put("cniVersion", CNI_VERSION).put("name", name);
        ArrayNode array = list.putArray("plugins");
        for (JsonNode p : plugins) array.add(p);
        return list;
    }

    private static Set<String> list(Path dir) {
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            Set<String> names = new HashSet<>();
            files.forEach(f -> names.add(f.getFileName().toString()));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
