package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.function.FunctionRules;
import dev.torpor.function.ManagedRuntimes;
import dev.torpor.function.StoredCode;
import dev.torpor.function.NetworkMode;
import dev.torpor.function.SuspendPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Deploying, changing and removing functions: code store, registry and instances kept in step. Code is unpacked
 * before anything is recorded, so a rejected zip changes nothing.
 */
public final class Deployments {
    private final FunctionRegistry registry;
    private final CodeStore code;
    private final ManagedRuntimes runtimes;
    private final InstanceManager instances;

    public Deployments(FunctionRegistry registry, CodeStore code, ManagedRuntimes runtimes, InstanceManager instances) {
        this.registry = registry;
        this.code = code;
        this.runtimes = runtimes;
        this.instances = instances;
    }

    public FunctionDefinition get(String name) {
        return registry.get(name).orElseThrow(() -> TorporException.notFound("Function not found: " + name));
    }

    public java.util.Optional<FunctionDefinition> find(String name) {
        return registry.get(name);
    }

    public List<FunctionDefinition> list() {
        return registry.list();
    }

    /** {@code fn} carries everything but the code facts, which come from storing {@code zip}. */
    public synchronized FunctionDefinition create(FunctionDefinition fn, byte[] zip) {
        FunctionRules.validated(fn);
        runtimes.requireInterpreter(fn.runtime());
        if (registry.get(fn.name()).isPresent()) {
            throw new TorporException(dev.torpor.ErrorKind.ALREADY_EXISTS, "Function already exist: " + fn.name());
        }
        code.delete(fn.name()); // leftovers of an earlier function of the same name
        StoredCode stored = code.store(fn.name(), 1, zip);
        try {
            runtimes.requireEntryPoint(fn.runtime(), stored.dir());
            return registry.create(withCode(fn, stored, 1));
        } catch (TorporException e) {
            code.delete(fn.name());
            throw e;
        }
    }

    /** New code is a new revision: running instances of the old one end (their state belongs to the old code). */
    public synchronized FunctionDefinition updateCode(String name, byte[] zip) {
        return updateCode(name, null, zip);
    }

    /** As {@link #updateCode(String, byte[])}, refused unless the function is still at {@code expectedRevisionId} (null: any). */
    public synchronized FunctionDefinition updateCode(String name, String expectedRevisionId, byte[] zip) {
        FunctionDefinition old = current(name, expectedRevisionId);
        int revision = old.revision() + 1;
        // The registry is the record: code for a revision it does not know is what an update that died before it
        // was recorded left (killed mid-upload), not code anyone runs, and must not block this update.
        code.deleteRevision(name, revision);
        StoredCode stored = code.store(name, revision, zip);
        FunctionDefinition updated;
        try {
            runtimes.requireEntryPoint(old.runtime(), stored.dir());
            updated = registry.update(withCode(old, stored, revision));
        } catch (TorporException e) {
            code.deleteRevision(name, revision);
            throw e;
        }
        instances.retire(name);
        code.deleteRevision(name, old.revision());
        return updated;
    }

    /** Configuration changes that running instances can keep serving under (policy, concurrency, description). */
    public FunctionDefinition updateConfiguration(FunctionDefinition changed) {
        return updateConfiguration(changed.name(), null, old -> changed);
    }

    /**
     * Applies {@code change} to the function as it is now, under a new RevisionId, refused unless it is still at
     * {@code expectedRevisionId} (null: any). Instances keep the memory and environment they started with: both reach
     * the function when a new process starts.
     *
     * @throws TorporException PRECONDITION_FAILED for another RevisionId, INVALID_PARAMETER for a changed
     *     definition Lambda would not store; either way nothing changes
     */
    public synchronized FunctionDefinition updateConfiguration(String name, String expectedRevisionId,
                                                               UnaryOperator<FunctionDefinition> change) {
        FunctionDefinition old = current(name, expectedRevisionId);
        FunctionDefinition changed = change.apply(old);
        if (!changed.runtime().equals(old.runtime())) {
            runtimes.requireInterpreter(changed.runtime());
            runtimes.requireEntryPoint(changed.runtime(), code.codeDir(old.name(), old.revision()));
        }
        FunctionDefinition updated = registry.update(FunctionRules.validated(changed.revised(UUID.randomUUID().toString(), Instant.now())));
        if (updated.networkMode() != old.networkMode()) instances.retire(name); // see setPolicy
        return updated;
    }

    /**
     * A new network mode ends the function's instances, as new code does: a container's network is made when it
     * starts, and an image restores into the network it was dumped in.
     */
    public FunctionDefinition setPolicy(String name, SuspendPolicy policy, NetworkMode network) {
        return retag(name, tags -> {
            tags.putAll(policy.toTags());
            tags.put(NetworkMode.TAG, network.tagValue());
        });
    }

    /** Changes the function's tags, checked as at create: a {@code torpor:*} tag changes its policy. */
    public FunctionDefinition retag(String name, Consumer<Map<String, String>> change) {
        return updateConfiguration(name, null, fn -> {
            Map<String, String> tags = new HashMap<>(fn.tags());
            change.accept(tags);
            return fn.withTags(tags, Instant.now());
        });
    }

    public synchronized void delete(String name) {
        get(name);
        instances.retire(name);
        registry.delete(name);
        code.delete(name);
    }

    private FunctionDefinition current(String name, String expectedRevisionId) {
        FunctionDefinition fn = get(name);
        if (expectedRevisionId != null && !expectedRevisionId.equals(fn.revisionId())) {
            throw new TorporException(dev.torpor.ErrorKind.PRECONDITION_FAILED, "The Revision Id provided does not match "
                    + "the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
        return fn;
    }

    private static FunctionDefinition withCode(FunctionDefinition fn, StoredCode stored, int revision) {
        return fn.withCode(stored.codeSha256(), stored.codeSize(), revision, UUID.randomUUID().toString(), Instant.now());
    }
}
