package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** A real checkpoint store whose next commit can be made to fail, as it does when the disk fills up. */
final class FaultyCheckpointStore implements CheckpointStore {
    private final CheckpointStore real;
    private volatile String commitFailure;

    FaultyCheckpointStore(CheckpointStore real) {
        this.real = real;
    }

    void failNextCommit(String why) {
        commitFailure = why;
    }

    @Override
    public Path begin(String instanceId) {
        return real.begin(instanceId);
    }

    @Override
    public Path nextDir(String instanceId) {
        return real.nextDir(instanceId);
    }

    @Override
    public Manifest commit(Path dir, Manifest withoutFiles) {
        String why = commitFailure;
        if (why != null) {
            commitFailure = null;
            throw new TorporException(ErrorKind.FAILED, "cannot complete the checkpoint image in " + dir, new IOException(why));
        }
        return real.commit(dir, withoutFiles);
    }

    @Override
    public void discard(Path dir) {
        real.discard(dir);
    }

    @Override
    public Optional<Image> latest(String instanceId) {
        return real.latest(instanceId);
    }

    @Override
    public void delete(String instanceId) {
        real.delete(instanceId);
    }

    @Override
    public Optional<Path> unfinished(String instanceId) {
        return real.unfinished(instanceId);
    }

    @Override
    public Path quarantine(String instanceId) {
        return real.quarantine(instanceId);
    }

    @Override
    public void sweepIncomplete() {
        real.sweepIncomplete();
    }
}
