package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Everything under --data, checkpoint images above all, is root's alone on a node started as ./torpor starts it. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DataAtRestIT {
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path data;

    @Test
    void nothingUnderDataIsOpenToOthersAndNobodyCannotReadAnImage() throws Exception {
        RealStack.require();
        try (TestNode node = TestNode.underLauncherUmask(data, 512L << 20)) {
            assertThat(node.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                    .isEqualTo(201);
            node.invoke("counter", "{\"n\":1}");
            String id = node.instanceOf("counter").get("instanceId").asText();
            var cp = node.checkpoint(id);
            assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
            Await.until("the image is committed", () -> !images(id, "manifest.json").isEmpty());

            try (Stream<Path> all = Files.walk(data)) {
                // The functions' root filesystem is the system's own public files, kept readable for an unprivileged function.
                Path rootfs = data.resolve("runtime").resolve("rootfs");
                List<String> open = all.filter(p -> !Files.isSymbolicLink(p) && !p.startsWith(rootfs))
                        .filter(p -> !intersect(mode(p), GROUP_OR_OTHER).isEmpty())
                        .map(p -> data.relativize(p) + " " + mode(p)).toList();
                assertThat(open).as("files and directories under --data open to group or others").isEmpty();
            }
            Path pages = images(id, "pages-").getFirst();
            Process cat = new ProcessBuilder("runuser", "-u", "nobody", "--", "cat", pages.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(cat.waitFor()).as("nobody's cat of " + pages).isNotZero();
        }
    }

    private List<Path> images(String id, String prefix) {
        try (Stream<Path> files = Files.walk(data.resolve("checkpoints").resolve(id))) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static Set<PosixFilePermission> mode(Path p) {
        try {
            return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            return Set.of(); // removed while walking
        }
    }

    private static Set<PosixFilePermission> intersect(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
        Set<PosixFilePermission> both = EnumSet.noneOf(PosixFilePermission.class);
        both.addAll(a);
        both.retainAll(b);
        return both;
    }
}
