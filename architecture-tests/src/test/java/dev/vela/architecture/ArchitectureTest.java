package dev.vela.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.vela.adapters.cpu.planted.RunnerUsingABenchmark;
import dev.vela.adapters.gpu.planted.RunnerThatExits;
import dev.vela.adapters.rest.planted.RestClassUsingHelidon;
import dev.vela.application.engine.planted.ProbeInTheEnginesPackage;
import dev.vela.domain.planted.DomainClassUsingJakarta;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Vela's production classes keep the layer rules; a planted violation is caught. */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/test-classes/"))
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.vela");
    }

    static Stream<ArchRule> rules() {
        return Stream.of(LayerRules.DOMAIN_IS_PLAIN_JAVA, LayerRules.APPLICATION_KNOWS_ONLY_DOMAIN,
                LayerRules.ADAPTERS_ARE_INDEPENDENT, LayerRules.NOTHING_DEPENDS_ON_BOOTSTRAP,
                LayerRules.NO_PACKAGE_CYCLES, LayerRules.PORTS_ARE_INTERFACES,
                LayerRules.OUTBOUND_PORTS_IMPLEMENTED_IN_ADAPTERS_NAMED_BY_HOW,
                LayerRules.FRAMEWORKS_ONLY_IN_ADAPTERS_AND_BOOTSTRAP, LayerRules.JLAMA_ONLY_IN_MODEL_RUNNERS,
                LayerRules.TEXT_LIBRARIES_ONLY_IN_HF_ADAPTER, LayerRules.REST_ADAPTER_USES_ONLY_STANDARD_APIS,
                LayerRules.CLASSES_LIVE_IN_THEIR_MODULES_PACKAGE, LayerRules.NOTHING_IN_THE_SERVER_DEPENDS_ON_THE_TOOLS,
                LayerRules.ONLY_MAIN_AND_THE_FAILED_RUNNER_END_THE_PROCESS);
    }

    @ParameterizedTest
    @MethodSource("rules")
    void productionClassesKeepTheRule(ArchRule rule) {
        rule.check(production);
    }

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[] {"dev.vela.domain", "dev.vela.application", "dev.vela.adapters.hf",
                "dev.vela.adapters.cpu", "dev.vela.adapters.gpu", "dev.vela.adapters.rest", "dev.vela.bootstrap",
                "dev.vela.benchmarks", "dev.vela.gpu.check"}) {
            assertTrue(production.containPackage(pkg), pkg + " is checked");
        }
        assertFalse(production.contain(DomainClassUsingJakarta.class), "test classes are not production classes");
        assertFalse(production.contain(RestClassUsingHelidon.class), "test classes are not production classes");
    }

    @Test
    void aDomainClassUsingAFrameworkBreaksTheBuild() {
        JavaClasses planted = new ClassFileImporter().importClasses(DomainClassUsingJakarta.class);
        assertThrows(AssertionError.class, () -> LayerRules.DOMAIN_IS_PLAIN_JAVA.check(planted));
        assertThrows(AssertionError.class, () -> LayerRules.FRAMEWORKS_ONLY_IN_ADAPTERS_AND_BOOTSTRAP.check(planted));
    }

    @Test
    void aRestClassUsingHelidonBreaksTheBuild() {
        JavaClasses planted = new ClassFileImporter().importClasses(RestClassUsingHelidon.class);
        assertThrows(AssertionError.class, () -> LayerRules.REST_ADAPTER_USES_ONLY_STANDARD_APIS.check(planted));
    }

    @Test
    void aClassInAnotherModulesPackageBreaksTheBuild() {
        JavaClasses planted = new ClassFileImporter().importClasses(ProbeInTheEnginesPackage.class);
        assertThrows(AssertionError.class, () -> LayerRules.CLASSES_LIVE_IN_THEIR_MODULES_PACKAGE.check(planted));
    }

    @Test
    void aRunnerThatEndsTheProcessBreaksTheBuild() {
        JavaClasses planted = new ClassFileImporter().importClasses(RunnerThatExits.class);
        assertThrows(AssertionError.class, () -> LayerRules.ONLY_MAIN_AND_THE_FAILED_RUNNER_END_THE_PROCESS.check(planted));
    }

    @Test
    void theServerUsingABenchmarkBreaksTheBuild() {
        JavaClasses planted = new ClassFileImporter().importClasses(RunnerUsingABenchmark.class);
        assertThrows(AssertionError.class, () -> LayerRules.NOTHING_IN_THE_SERVER_DEPENDS_ON_THE_TOOLS.check(planted));
    }
}
