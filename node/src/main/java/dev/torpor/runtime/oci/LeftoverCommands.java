package dev.torpor.runtime.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runc commands (and the CRIU under each) that a node killed with kill -9 left running: its children outlive it
 * and go on dumping or restoring. A restart reads what they leave, so it waits for them to end first; one still at
 * work past its deadline is stuck, and is killed with everything it started.
 */
final class LeftoverCommands {
    private LeftoverCommands() {}

    /** Those whose command line names {@code stateRoot}: every runc verb of this node is given it as {@code --root}. */
    static List<ProcessHandle> of(Path stateRoot) {
        String root = stateRoot.toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().arguments().map(args -> Arrays.asList(args).contains(root)).orElse(false))
                .toList();
    }

    static void awaitEnd(List<ProcessHandle> commands, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        for (ProcessHandle p : commands) {
            CompletableFuture<ProcessHandle> ended = p.onExit();
            try {
                ended.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                ProcessTree.kill(p);
            } catch (ExecutionException e) {
                throw new IllegalStateException("onExit never fails", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
