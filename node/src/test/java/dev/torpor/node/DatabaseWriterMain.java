package dev.torpor.node;

import dev.torpor.lifecycle.InstanceState;
import java.nio.file.Path;

/**
 * Run in a child JVM by the kill test: writes N functions and N instances, says "written", and waits to be killed
 * without ever closing the database, so what the parent reads back is only what commits made durable.
 */
public final class DatabaseWriterMain {
    public static void main(String[] args) throws InterruptedException {
        NodeDatabase db = NodeDatabase.open(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        for (int i = 0; i < n; i++) {
            db.functions().create(NodeDatabaseFixtures.function("fn-" + i));
            db.instances().save(NodeDatabaseFixtures.snapshot("i-" + i, InstanceState.IDLE, i, false));
        }
        System.out.println("written");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
