package dev.torpor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What a fake listener heard, as words in arrival order, for tests to take one at a time. */
public final class EventLog {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    public void add(String event) {
        events.add(event);
    }

    /** The next event, waiting for it up to 10 s. */
    public String next() throws InterruptedException {
        String e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event within 10 s").isNotNull();
        return e;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }
}
