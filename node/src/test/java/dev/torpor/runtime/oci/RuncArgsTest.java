package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class RuncArgsTest {
    private static final Path STATE = Path.of("/var/lib/torpor/state");
    private static final Path BUNDLE = Path.of("/var/lib/torpor/containers/fn-1/bundle");
    private static final Path IMAGE = Path.of("/var/lib/torpor/images/fn-1/3");
    private static final Path WORK = Path.of("/var/lib/torpor/containers/fn-1/criu-dump");
    private static final Path LOG = Path.of("/var/lib/torpor/containers/fn-1/runc.log");

    private final RuncArgs args = new RuncArgs("/usr/sbin/runc", STATE);

    @Test
    void checkpointKeepsEstablishedLoopbackConnectionsAndStopsTheContainer() {
        assertThat(args.checkpoint("fn-1", IMAGE, WORK, false, LOG)).containsExactly(
                "/usr/sbin/runc", "--root", STATE.toString(), "--log", LOG.toString(), "--log-format", "json",
                "checkpoint", "--image-path", IMAGE.toString(), "--work-path", WORK.toString(), "--tcp-established",
                "fn-1");
    }

    @Test
    void checkpointLeavesTheContainerRunningOnlyWhenAsked() {
        List<String> argv = args.checkpoint("fn-1", IMAGE, WORK, true, LOG);

        assertThat(argv).contains("--leave-running", "--tcp-established").endsWith("fn-1");
        assertThat(argv.indexOf("--leave-running")).isGreaterThan(argv.indexOf("checkpoint"));
    }

    @Test
    void restoreDetachesAndKeepsEstablishedConnections() {
        assertThat(args.restore("fn-1", BUNDLE, IMAGE, WORK, LOG, false)).containsExactly(
                "/usr/sbin/runc", "--root", STATE.toString(), "--log", LOG.toString(), "--log-format", "json",
                "restore", "--detach", "--bundle", BUNDLE.toString(), "--image-path", IMAGE.toString(),
                "--work-path", WORK.toString(), "--tcp-established", "fn-1");
    }

    @Test
    void lazyRestoreLeavesPagesToTheDaemonInTheWorkDirectory() {
        assertThat(args.restore("fn-1", BUNDLE, IMAGE, WORK, LOG, true))
                .containsSubsequence("restore", "--work-path", WORK.toString(), "--lazy-pages", "fn-1");
    }

    @Test
    void runDetaches() {
        assertThat(args.run("fn-1", BUNDLE, LOG)).endsWith("run", "--detach", "--bundle", BUNDLE.toString(), "fn-1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyVerb")
    void everyVerbUsesTheNodesOwnStateRoot(String verb, Function<RuncArgs, List<String>> argv) {
        List<String> a = argv.apply(args);

        assertThat(a.subList(0, 3)).containsExactly("/usr/sbin/runc", "--root", STATE.toString());
        assertThat(a).contains(verb);
        assertThat(a.indexOf(verb)).as("global flags come before the verb").isGreaterThan(2);
    }

    @Test
    void simpleVerbs() {
        assertThat(args.pause("fn-1")).endsWith("pause", "fn-1");
        assertThat(args.resume("fn-1")).endsWith("resume", "fn-1");
        assertThat(args.deleteForce("fn-1")).endsWith("delete", "--force", "fn-1");
        assertThat(args.list()).endsWith("list", "--format", "json");
        assertThat(args.version()).containsExactly("/usr/sbin/runc", "--version");
    }

    static Stream<Arguments> everyVerb() {
        return Stream.of(
                verb("run", a -> a.run("fn-1", BUNDLE, LOG)),
                verb("checkpoint", a -> a.checkpoint("fn-1", IMAGE, WORK, false, LOG)),
                verb("restore", a -> a.restore("fn-1", BUNDLE, IMAGE, WORK, LOG, false)),
                verb("pause", a -> a.pause("fn-1")),
                verb("resume", a -> a.resume("fn-1")),
                verb("delete", a -> a.deleteForce("fn-1")),
                verb("state", a -> a.state("fn-1")),
                verb("list", RuncArgs::list));
    }

    private static Arguments verb(String name, Function<RuncArgs, List<String>> argv) {
        return Arguments.of(name, argv);
    }
}
