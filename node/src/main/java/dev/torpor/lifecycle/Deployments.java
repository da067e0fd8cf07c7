package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.function.FunctionRules;
import dev.torpor.function.StoredCode;
import dev.torpor.function.NetworkMode;
import dev.torpor.function.SuspendPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deploying, changing and removing functions: code store, registry and instances kept in step. Code is unpacked
 * before anything is recorded, so a rejected zip changes nothing.
 */
public final class Deployments {
    private final FunctionRegistry registry;
    private final CodeStore code;
    private final InstanceManager instances;

    public Deployments(FunctionRegistry registry, CodeStore code, InstanceManager instances) {
        this.registry = registry;
        this.code = code;
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
        if (registry.get(fn.name()).isPresent()) {
            throw new TorporException(dev.torpor.ErrorKind.ALREADY_EXISTS, "Function already exist: " + fn.name());
        }
        code.delete(fn.name()); // leftovers of an earlier function of the same name
        StoredCode stored = code.store(fn.name(), 1, zip);
        try {
            return registry.create(withCode(fn, stored, 1));
        } catch (TorporException e) {
            code.delete(fn.name());
            throw e;
        }
    }

    /** New code is a new revision: running instances of the old one end (their state belongs to the old code). */
    public synchronized FunctionDefinition updateCode(String name, byte[] zip) {
        FunctionDefinition old = get(name);
        int revision = old.revision() + 1;
        // The registry is the record: code for a revision it does not know is what an update that died before it
        // was recorded left (killed mid-upload), not code anyone runs, and must not block this update.
        code.deleteRevision(name, revision);
        StoredCode stored = code.store(name, revision, zip);
        FunctionDefinition updated;
        try {
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
    public synchronized FunctionDefinition updateConfiguration(FunctionDefinition changed) {
        get(changed.name());
        return registry.update(FunctionRules.validated(changed));
    }

    /**
     * A new network mode ends the function's instances, as new code does: a container's network is made when it
     * starts, and an image restores into the network it was dumped in.
     */
    public synchronized FunctionDefinition setPolicy(String name, SuspendPolicy policy, NetworkMode network) {
        FunctionDefinition fn = get(name);
        Map<String, String> tags = new HashMap<>(fn.tags());
        tags.putAll(policy.toTags());
        tags.put(NetworkMode.TAG, network.tagValue());
        FunctionDefinition updated = registry.update(FunctionRules.validated(fn.withTags(tags, Instant.now())));
        if (network != fn.networkMode()) instances.retire(name);
        return updated;
    }

    public synchronized void delete(String name) {
        get(name);
        instances.retire(name);
        registry.delete(name);
        code.delete(name);
    }

    private static FunctionDefinition withCode(FunctionDefinition fn, StoredCode stored, int revision) {
        return fn.withCode(stored.codeSha256(), stored.codeSize(), revision, UUID.randomUUID().toString(), Instant.now());
    }
}
