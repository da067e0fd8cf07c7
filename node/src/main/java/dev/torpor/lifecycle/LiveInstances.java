package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaEnvironment;
import dev.torpor.function.Launch;
import dev.torpor.function.NetworkMode;
import dev.torpor.runtime.ContainerSpec;
import dev.torpor.runtimeapi.RuntimeApiRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import org.apache.commons.io.file.PathUtils;

/**
 * The instances this node holds, by id, each with what the agent keeps for it (container spec, relay channel,
 * log): taken in with their record saved, forgotten with their record and files.
 */
final class LiveInstances {
    private static final long LOG_MAX_BYTES = 1 << 20;

    private final Map<String, LiveInstance> byId = new ConcurrentHashMap<>();
    private final DeferringInstanceStore store;
    private final Path instancesDir;
    private final String region;
    private final Function<FunctionDefinition, Launch> launches;
    private final Clock clock;
    private final Consumer<LiveInstance> onWaiting;
    private final ObjIntConsumer<LiveInstance> onExit;

    /** {@code onWaiting} and {@code onExit} hear what each instance's relay reports. */
    LiveInstances(DeferringInstanceStore store, Path instancesDir, String region, Function<FunctionDefinition, Launch> launches,
                  Clock clock, Consumer<LiveInstance> onWaiting, ObjIntConsumer<LiveInstance> onExit) {
        this.store = store;
        this.instancesDir = instancesDir;
        this.region = region;
        this.launches = launches;
        this.clock = clock;
        this.onWaiting = onWaiting;
        this.onExit = onExit;
    }

    /** A new instance of the function, STARTING, not held yet: its creator claims it before {@link #takeIn}. */
    Instance fresh(FunctionDefinition fn) {
        String id = fn.name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return new Instance(id, fn.name(), fn.revision(), fn.memoryBytes(), InstanceState.STARTING, clock.instant());
    }

    /** Holds {@code instance} from now on, once its record is saved; throws, holding nothing, when it cannot be. */
    LiveInstance takeIn(Instance instance, FunctionDefinition fn) {
        Path dir = instancesDir.resolve(instance.id());
        Launch launch = launches.apply(fn);
        ContainerSpec spec = new ContainerSpec(instance.id(), launch.codeDir(), launch.runtimeDir(), dir.resolve("channel"),
                launch.command(), LambdaEnvironment.of(fn, region, instance.id(), clock.instant()), fn.memoryBytes(),
                fn.networkMode() == NetworkMode.OUTBOUND ? ContainerSpec.Network.OUTBOUND : ContainerSpec.Network.NONE);
        store.saveNow(instance.snapshot()); // first: an instance the node cannot record is refused, nothing held
        LiveInstance[] self = new LiveInstance[1];
        self[0] = new LiveInstance(instance, spec, new FunctionLog(dir.resolve("output.log"), LOG_MAX_BYTES),
                () -> onWaiting.accept(self[0]), status -> onExit.accept(self[0], status));
        byId.put(instance.id(), self[0]);
        return self[0];
    }

    /** The node is done with a stopped instance: its record goes, and its files (log, channel) with it. */
    void forget(LiveInstance inst) {
        byId.remove(inst.id());
        try {
            inst.log.close();
        } catch (IOException e) {
            // closing a file we only append to: nothing is lost
        }
        dropRecord(inst.id());
    }

    /** The record and files of an instance not held (or no longer): what a previous run left of one that is gone. */
    void dropRecord(String id) {
        store.delete(id);
        try {
            PathUtils.deleteDirectory(instancesDir.resolve(id));
        } catch (NoSuchFileException e) {
            // never had any
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<LiveInstance> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    LiveInstance find(String id) {
        return get(id).orElseThrow(() -> TorporException.notFound("Instance not found: " + id));
    }

    boolean holds(String id) {
        return byId.containsKey(id);
    }

    /** A live view: instances taken in or forgotten meanwhile show or vanish. */
    Collection<LiveInstance> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    Map<String, LiveInstance> byId() {
        return Collections.unmodifiableMap(byId);
    }

    /** The instances of the function's current code, those quickest to serve first. */
    List<LiveInstance> cheapestFirst(FunctionDefinition fn) {
        return all().stream()
                .filter(l -> l.instance.function().equals(fn.name()) && l.instance.revision() == fn.revision())
                .sorted(Comparator.comparingInt(l -> wakeCost(l.instance.snapshot().state())))
                .toList();
    }

    /** Idle first (no wake-up), then busy ones (soon idle), then paused (cheap), then checkpointed (a restore). */
    private static int wakeCost(InstanceState s) {
        return switch (s) {
            case IDLE -> 0;
            case BUSY, STARTING -> 1;
            case PAUSED, PAUSING, RESUMING -> 2;
            default -> 3;
        };
    }

    /**
     * The answer to an invocation for which no instance could start, as Lambda gives it: the runtime's own init error
     * ({@code {errorMessage, errorType, …}}) when it reported one, else what the node saw go wrong.
     */
    InvocationResult startFailure(String function) {
        return byId.values().stream()
                .filter(l -> l.instance.function().equals(function) && l.initError().isPresent())
                .max(Comparator.comparing(l -> l.instance.snapshot().since()))
                .map(l -> InvocationResult.unhandled(l.initError().orElseThrow()))
                .orElseGet(() -> RuntimeApiRenderer.initError("the function could not be started: " + lastError(function).orElse("unknown")));
    }

    /** The newest error of any instance of the function, for an invocation that found none of them working. */
    Optional<String> lastError(String function) {
        return byId.values().stream().map(l -> l.instance.snapshot())
                .filter(s -> s.function().equals(function) && s.lastError() != null)
                .max(Comparator.comparing(Instance.Snapshot::since))
                .map(Instance.Snapshot::lastError);
    }
}
