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

    private Path status(String capEff) throws IOException {
        return Files.writeString(tmp.resolve("status"), "Name:\tjava\nCapPrm:\t" + capEff + "\nCapEff:\t" + capEff + "\nCapBnd:\t" + capEff + "\n");
    }
}
