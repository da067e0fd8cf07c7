package dev.torpor.cluster;

import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.lifecycle.InstanceStore;
import dev.torpor.runtime.ContainerRuntime;

/**
 * What a node restarted in the middle of receiving an instance does first, before recovery could take the
 * instance back: whatever it has of it (a container still missing pages, or an image not yet restored) is removed,
 * record and all, and its function's invocations go to the source again, which kept its image for this. Recovery
 * then has nothing of it: the partial copy is never checkpointed, served or listed (the instance is the source's).
 */
public final class PartialArrivals {
    private static final System.Logger LOG = System.getLogger("torpor.migration");

    private PartialArrivals() {}

    public static void discard(MoveJournal journal, ContainerRuntime runtime, CheckpointStore images, InstanceStore records,
                               Locations locations) {
        for (MoveJournal.Move m : journal.all()) {
            if (m.side() != MoveJournal.Side.TARGET) continue;
            LOG.log(System.Logger.Level.WARNING, "{0} was still arriving from {1} when this node stopped: the partial copy here "
                    + "is discarded and {1} serves {2} again from the image it kept", m.instanceId(), m.peer(), m.function());
            runtime.remove(m.instanceId());
            images.delete(m.instanceId());
            records.delete(m.instanceId());
            locations.set(m.function(), m.peer());
            journal.end(m.instanceId());
        }
    }
}
