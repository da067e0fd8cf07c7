package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeArchitectureTest {
    @ParameterizedTest
    @CsvSource({"amd64, x86_64", "x86_64, x86_64", "aarch64, arm64", "arm64, arm64", "arm, arm", "riscv64, riscv64"})
    void namesTheJvmsArchitectureAsLambdaDoes(String osArch, String lambda) {
        assertThat(NodeArchitecture.lambdaName(osArch)).isEqualTo(lambda);
    }
}
