package dev.torpor.runtime;

/** What the runtime says of a container: its state and its init process as the host sees it. */
public record ContainerStatus(String id, State state, int pid) {
    public enum State { CREATED, RUNNING, PAUSED, STOPPED }
}
