package dev.torpor.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers point one way: the API and event sources on top, the cluster below them, then the lifecycle, which
 * drives the Runtime API relay, the container runtime, checkpoints and functions. {@code node} and {@code cli} only
 * wire and command. A lower layer that must tell a higher one something does it through an interface it owns
 * ({@code ServingGate}, {@code LifecycleObserver}).
 */
class LayersTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.torpor");
    }

    @Test
    void layersPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.torpor.cli..")
                .layer("node").definedBy("dev.torpor.node..")
                .layer("api").definedBy("dev.torpor.api..")
                .layer("dashboard").definedBy("dev.torpor.dashboard..")
                .layer("metrics").definedBy("dev.torpor.metrics..")
                .layer("cluster").definedBy("dev.torpor.cluster..")
                .layer("lifecycle").definedBy("dev.torpor.lifecycle..")
                .layer("runtimeapi").definedBy("dev.torpor.runtimeapi..")
                .layer("runtime").definedBy("dev.torpor.runtime..")
                .layer("checkpoint").definedBy("dev.torpor.checkpoint..")
                .layer("function").definedBy("dev.torpor.function..")
                .layer("auth").definedBy("dev.torpor.auth..")
                .layer("tls").definedBy("dev.torpor.tls..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("node").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("api").mayOnlyBeAccessedByLayers("node", "cli")
                .whereLayer("dashboard").mayOnlyBeAccessedByLayers("api", "node")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("api", "node")
                .whereLayer("cluster").mayOnlyBeAccessedByLayers("api", "node", "cli")
                .whereLayer("lifecycle").mayOnlyBeAccessedByLayers("cluster", "metrics", "api", "node", "cli")
                .whereLayer("runtimeapi").mayOnlyBeAccessedByLayers("lifecycle", "cluster", "api", "node", "cli")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("lifecycle", "cluster", "api", "node", "cli")
                .whereLayer("checkpoint").mayOnlyBeAccessedByLayers("lifecycle", "cluster", "api", "node", "cli")
                .whereLayer("function").mayOnlyBeAccessedByLayers("runtimeapi", "lifecycle", "cluster", "metrics", "api", "node", "cli")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("dashboard", "cluster", "api", "node", "cli")
                .whereLayer("tls").mayOnlyBeAccessedByLayers("api", "node", "cli")
                .check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.torpor.(**)").should().beFreeOfCycles().check(main);
    }
}
