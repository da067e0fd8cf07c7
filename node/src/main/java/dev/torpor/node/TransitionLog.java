package dev.torpor.node;

import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.LifecycleEvent;
import dev.torpor.lifecycle.LifecycleObserver;
import dev.torpor.lifecycle.StateLoss;
import java.time.Duration;

/** One log line per lifecycle step, so an operator can follow what the node does to each instance. */
final class TransitionLog implements LifecycleObserver {
    private static final System.Logger LOG = System.getLogger("torpor.lifecycle");

    @Override
    public void transitioned(Instance.Snapshot i, LifecycleEvent e) {
        LOG.log(System.Logger.Level.DEBUG, "{0} {1} -> {2}", i.id(), e, i.state());
    }

    @Override
    public void checkpointed(Instance.Snapshot i, Duration took, long bytes) {
        LOG.log(System.Logger.Level.INFO, "{0} checkpointed in {1} ms, image {2}", i.id(), took.toMillis(), ByteSize.format(bytes));
    }

    @Override
    public void restored(Instance.Snapshot i, Duration took) {
        LOG.log(System.Logger.Level.INFO, "{0} restored in {1} ms", i.id(), took.toMillis());
    }

    @Override
    public void paused(Instance.Snapshot i, Duration took) {
        LOG.log(System.Logger.Level.INFO, "{0} paused in {1} ms", i.id(), took.toMillis());
    }

    @Override
    public void started(Instance.Snapshot i, Duration took) {
        LOG.log(System.Logger.Level.INFO, "{0} started in {1} ms", i.id(), took.toMillis());
    }

    @Override
    public void stateLost(Instance.Snapshot i, StateLoss loss) {
        LOG.log(System.Logger.Level.WARNING, "{0} of {1} lost its function state ({2}): {3}", i.id(), i.function(),
                loss.reason(), loss.detail());
    }

    @Override
    public void operationFailed(Instance.Snapshot i, String operation, String why) {
        LOG.log(System.Logger.Level.WARNING, "{0} {1} failed, instance is {2}: {3}", i.id(), operation, i.state(), why);
    }
}
