package dev.torpor.runtime.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Cni} by the plugin executables in {@code pluginDir}, as libcni runs them: each plugin's configuration on
 * stdin with the list's name and version (and the previous plugin's result), the attachment in the {@code CNI_*}
 * environment variables, the result or a {@code {"code", "msg"}} error on stdout.
 */
final class PluginCni implements Cni {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A plugin forks iptables and talks netlink: well under a second, unless the device is badly loaded. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path pluginDir;

    PluginCni(Path pluginDir) {
        this.pluginDir = pluginDir;
    }

    @Override
    public JsonNode add(ObjectNode list, Attachment at) {
        JsonNode result = null;
        for (JsonNode plugin : list.path("plugins")) result = run("ADD", list, plugin, at, result);
        return result;
    }

    @Override
    public void del(ObjectNode list, Attachment at, JsonNode added) {
        List<JsonNode> plugins = new ArrayList<>();
        list.path("plugins").forEach(plugins::add);
        for (JsonNode plugin : plugins.reversed()) run("DEL", list, plugin, at, added);
    }

    private JsonNode run(String command, ObjectNode list, JsonNode plugin, Attachment at, JsonNode prevResult) {
        ObjectNode config = ((ObjectNode) plugin).deepCopy();
        config.put("cniVersion", list.path("cniVersion").asText());
        config.put("name", list.path("name").asText());
        if (prevResult != null) config.set("prevResult", prevResult);
        String type = plugin.path("type").asText();
        ProcessBuilder pb = new ProcessBuilder(pluginDir.resolve(type).toString());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", at.containerId());
        if (at.netns() != null) env.put("CNI_NETNS", at.netns().toString());
        env.put("CNI_IFNAME", at.ifname());
        env.put("CNI_PATH", pluginDir.toString());
        String what = "CNI plugin " + type + " " + command + " for " + at.containerId();
        try {
            Process p = pb.start();
            CompletableFuture<String> stderr = drain(p.getErrorStream());
            CompletableFuture<String> stdout = drain(p.getInputStream());
            try (OutputStream in = p.getOutputStream()) {
                JSON.writeValue(in, config);
            }
            try {
                p.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                throw new TorporException(ErrorKind.OPERATION_TIMEOUT, what + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            String out = stdout.join();
            if (p.exitValue() != 0) {
                throw new TorporException(ErrorKind.FAILED, what + " failed: " + errorMessage(out), p.exitValue(), stderr.join(), null);
            }
            return out.isBlank() ? prevResult : JSON.readTree(out);
        } catch (IOException | ExecutionException e) {
            throw new TorporException(ErrorKind.FAILED, what + " could not be run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, what + " was interrupted", e);
        }
    }

    /** The plugin's own words: {@code msg} and {@code details} of its error object, or what it printed. */
    private static String errorMessage(String stdout) {
        try {
            JsonNode error = JSON.readTree(stdout);
            String details = error.path("details").asText("");
            return error.path("msg").asText(stdout.strip()) + (details.isEmpty() ? "" : " (" + details + ")");
        } catch (IOException e) {
            return stdout.strip();
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().name("cni-output").start(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        });
        return text;
    }
}
