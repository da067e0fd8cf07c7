package dev.torpor.it;

import dev.torpor.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * "The world" for functions with outbound network: a network namespace this test makes, linked to the host by a veth
 * pair on a 10.214.N.0/30 no interface of this host uses, running the servers of {@code outside-server.py} (HTTP on
 * {@link #HTTP_PORT}, a line server numbering its connections on {@link #LINES_PORT}, the test's own probes counted)
 * at {@link #address}; made before each test and removed after it (a JUnit extension).
 */
final class Outside implements BeforeEachCallback, AfterEachCallback {
    static final int HTTP_PORT = 8080;
    static final int LINES_PORT = 7000;
    private static final Path SERVER = Path.of("src", "test", "resources", "dev", "torpor", "it", "outside-server.py")
            .toAbsolutePath();

    String address;
    private String ns;
    private String hostDevice;
    private Process server;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        int n = FreeSubnet.under("10.214.");
        ns = "torpor-it-o" + n;
        hostDevice = "to" + n + "h";
        address = "10.214." + n + ".2";
        try {
            build(n);
        } catch (Exception | AssertionError e) {
            afterEach(context);
            throw e;
        }
    }

    private void build(int n) throws Exception {
        String inside = "to" + n + "o";
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "link", "add", hostDevice, "type", "veth", "peer", "name", inside);
        run("ip", "link", "set", inside, "netns", ns);
        run("ip", "addr", "add", "10.214." + n + ".1/30", "dev", hostDevice);
        run("ip", "-n", ns, "addr", "add", address + "/30", "dev", inside);
        run("ip", "link", "set", hostDevice, "up");
        run("ip", "-n", ns, "link", "set", inside, "up");
        server = new ProcessBuilder("nsenter", "--net=/run/netns/" + ns, "--", "python3", SERVER.toString(), address)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Await.until("the outside servers answer", () -> answers(HTTP_PORT) && answers(LINES_PORT), Duration.ofSeconds(30));
    }

    String url() {
        return "http://" + address + ":" + HTTP_PORT + "/";
    }

    private boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the servers and deletes the namespace and its link; fails if either is left. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (ns == null) return;
        if (server != null) server.destroyForcibly().waitFor();
        new ProcessBuilder("ip", "netns", "delete", ns).start().waitFor();
        new ProcessBuilder("ip", "link", "delete", hostDevice).start().waitFor();
        String left = run("ip", "netns", "list") + run("ip", "-o", "link", "show");
        if (left.contains(ns) || left.contains(hostDevice + "@") || left.contains(hostDevice + ":")) {
            throw new AssertionError(ns + " or " + hostDevice + " is left after the test");
        }
    }

    static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }
}
