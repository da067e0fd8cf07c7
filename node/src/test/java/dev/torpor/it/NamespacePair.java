package dev.torpor.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Two network namespaces this test makes, A and B, with a veth link between them that {@link #cut()} takes down and
 * {@link #heal()} brings back, and a veth link from each to the test's own namespace so the test reaches both nodes
 * whatever happens to the A–B link. Only private addresses of 10.213.N.0/28 (N free on this host) are given out, and the
 * namespaces have no routes but their links' own: nodes there reach nothing but each other and the test.
 *
 * <pre>
 *   test ns  .5 ─── .6  ns A  .1 ══ cut/heal ══ .2  ns B  .10 ─── .9  test ns
 * </pre>
 *
 * <p>Nodes are started with {@code nsenter --net}, not {@code ip netns exec}: the latter also gives the process a mount
 * namespace with a fresh /sys, which hides the cgroup hierarchy runc needs and keeps the namespaces the node makes
 * for its containers out of the test's sight (so the sweep after a kill could not find them).
 */
final class NamespacePair implements AutoCloseable {
    /** Each node listens on this port in its own namespace; nothing else listens there. */
    static final int PORT = 9000;
    private static final String PREFIX = "torpor-it-p";

    final Side a;
    final Side b;
    private final int n;
    /** The ends of the links to A and B in the test's namespace. */
    private final List<String> testDevices;

    /** One namespace: its name, the address its peer reaches it at, and the one the test reaches it at. */
    record Side(String ns, String linkDevice, String peerAddress, String testAddress) {
        /** The command that runs what follows it inside this namespace. */
        List<String> launcher() {
            return List.of("nsenter", "--net=/run/netns/" + ns, "--");
        }

        /** Where the node in the other namespace reaches the node in this one: across the A–B link. */
        String peerUrl() {
            return "http://" + peerAddress + ":" + PORT;
        }
    }

    private NamespacePair(int n) {
        this.n = n;
        testDevices = List.of("tp" + n + "ta", "tp" + n + "tb");
        String net = "10.213." + n + ".";
        a = new Side(PREFIX + n + "a", "tp" + n + "ab", net + "1", net + "6");
        b = new Side(PREFIX + n + "b", "tp" + n + "ba", net + "2", net + "10");
    }

    /** Makes both namespaces and their links on a 10.213.N.0/28 that no interface of this host uses yet. */
    static NamespacePair make() throws Exception {
        NamespacePair pair = new NamespacePair(FreeSubnet.under("10.213."));
        try {
            pair.build();
        } catch (Exception | AssertionError e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private void build() throws Exception {
        String net = "10.213." + n + ".";
        run("ip", "netns", "add", a.ns);
        run("ip", "netns", "add", b.ns);
        link(a.ns, a.linkDevice, a.peerAddress, b.ns, b.linkDevice, b.peerAddress);
        link(null, testDevices.get(0), net + "5", a.ns, "tp" + n + "at", a.testAddress);
        link(null, testDevices.get(1), net + "9", b.ns, "tp" + n + "bt", b.testAddress);
        for (Side s : List.of(a, b)) run("ip", "-n", s.ns, "link", "set", "lo", "up");
    }

    /**
     * A veth pair between two namespaces ({@code null}: the test's), each end with a /30 address. No IPv6 link-local
     * addresses, so nothing is sent on the link but what the nodes and the test send each other.
     */
    private static void link(String ns1, String dev1, String addr1, String ns2, String dev2, String addr2) throws Exception {
        run("ip", "link", "add", dev1, "type", "veth", "peer", "name", dev2);
        configure(ns1, dev1, addr1);
        configure(ns2, dev2, addr2);
    }

    private static void configure(String ns, String dev, String addr) throws Exception {
        if (ns != null) run("ip", "link", "set", dev, "netns", ns);
        run(in(ns, "link", "set", dev, "addrgenmode", "none"));
        run(in(ns, "addr", "add", addr + "/30", "dev", dev));
        run(in(ns, "link", "set", dev, "up"));
    }

    private static String[] in(String ns, String... ipArgs) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        if (ns != null) argv.addAll(List.of("-n", ns));
        argv.addAll(List.of(ipArgs));
        return argv.toArray(String[]::new);
    }

    /** Takes the A–B link down at both ends: each side's route to the other is gone, so the nodes cannot talk. */
    void cut() throws Exception {
        for (Side s : List.of(a, b)) run("ip", "-n", s.ns, "link", "set", s.linkDevice, "down");
    }

    void heal() throws Exception {
        for (Side s : List.of(a, b)) run("ip", "-n", s.ns, "link", "set", s.linkDevice, "up");
    }

    /** Deletes both namespaces (and with them every link made here); fails if any of them is left. */
    @Override
    public void close() throws Exception {
        for (Side s : List.of(a, b)) runAllowingFailure("ip", "netns", "delete", s.ns);
        for (String dev : testDevices) runAllowingFailure("ip", "link", "delete", dev);
        String left = run("ip", "netns", "list") + run("ip", "-o", "link", "show");
        for (String name : List.of(a.ns, b.ns, testDevices.get(0), testDevices.get(1))) {
            if (Pattern.compile("\\b" + name + "\\b").matcher(left).find()) {
                throw new AssertionError(name + " is left after the test:\n" + left);
            }
        }
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    private static void runAllowingFailure(String... argv) throws IOException, InterruptedException {
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
