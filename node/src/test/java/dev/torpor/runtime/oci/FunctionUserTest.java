package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class FunctionUserTest {
    @TempDir
    Path tmp;

    @Test
    void rootWithEveryCapabilityRunsFunctionsUnprivileged() throws IOException {
        assertThat(FunctionUser.forCapabilities(status("000001ffffffffff"))).isEqualTo(FunctionUser.UNPRIVILEGED);
    }

    @Test
    void withoutCapSysResourceCriuCouldNotDumpAnotherUserSoFunctionsRunAsRootWithoutCapabilities() throws IOException {
        assertThat(FunctionUser.forCapabilities(status("000001fffeffffff"))).isEqualTo(FunctionUser.ROOT_WITHOUT_CAPABILITIES);
    }

    @Test
    void unreadableCapabilitiesAssumeRoot() {
        assertThat(FunctionUser.forCapabilities(tmp.resolve("missing"))).isEqualTo(FunctionUser.UNPRIVILEGED);
    }

    @Test
    void anUnprivilegedUserIsGivenTheCodeItRunsStillPrivateToIt() throws IOException {
        Path code = Files.createDirectories(tmp.resolve("code/lib"));
        Files.writeString(code.resolve("handler.py"), "def handler(e, c): pass");
        Files.setPosixFilePermissions(code.resolve("handler.py"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        FunctionUser.UNPRIVILEGED.own(tmp.resolve("code"));
        for (Path p : java.util.List.of(tmp.resolve("code"), code, code.resolve("handler.py"))) {
            assertThat(Files.getAttribute(p, "unix:uid")).as(p.toString()).isEqualTo(65532);
        }
        assertThat(Files.getPosixFilePermissions(code.resolve("handler.py"))).hasSize(2);
        FunctionUser.ROOT_WITHOUT_CAPABILITIES.own(tmp.resolve("code"));
        assertThat(Files.getAttribute(code, "unix:uid")).as("root leaves owners alone").isEqualTo(65532);
    }

    private Path status(String capEff) throws IOException {
        return Files.writeString(tmp.resolve("status"), "Name:\tjava\nCapPrm:\t" + capEff + "\nCapEff:\t" + capEff + "\nCapBnd:\t" + capEff + "\n");
    }
}
