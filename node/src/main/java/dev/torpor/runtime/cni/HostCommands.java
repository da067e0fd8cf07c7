package dev.torpor.runtime.cni;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host commands the bridge needs beside the plugins: {@code iptables} and {@code ip6tables} for its guard, {@code ip}
 * to remove it.
 */
final class HostCommands {
    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitStatus, String output) {}

    private HostCommands() {}

    static Result iptablesAllowingFailure(String... args) {
        return xtablesAllowingFailure("iptables", args);
    }

    /** {@code command} is {@code iptables} or {@code ip6tables}. */
    static void xtables(String command, String... args) {
        Result r = xtablesAllowingFailure(command, args);
        if (r.exitStatus() != 0) {
            throw new TorporException(ErrorKind.FAILED, command + " " + String.join(" ", args) + " failed: " + r.output().strip());
        }
    }

    /** {@code -w}: CNI's plugins and CRIU's network lock use iptables at the same time; this waits for their lock. */
    static Result xtablesAllowingFailure(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command, "-w"));
        argv.addAll(List.of(args));
        return runAllowingFailure(argv);
    }

    static Result runAllowingFailure(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot run " + argv.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted while running " + argv.getFirst(), e);
        }
    }
}
