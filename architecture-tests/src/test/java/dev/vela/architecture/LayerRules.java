package dev.vela.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layer rules of {@code docs/architecture.md}, as ArchUnit rules over Vela's production
 * classes. Numbers refer to that page's list.
 */
final class LayerRules {

    static final String DOMAIN = "dev.vela.domain..";
    static final String APPLICATION = "dev.vela.application..";
    static final String ADAPTERS = "dev.vela.adapters..";
    static final String BOOTSTRAP = "dev.vela.bootstrap..";
    static final String PORTS = "dev.vela.application.port..";
    static final String OUTBOUND_PORTS = "dev.vela.application.port.out..";
    /** Modules with production code of their own that are not part of the server: they use it, whole (rule 11). */
    static final String[] TOOLS = {"dev.vela.benchmarks..", "dev.vela.gpu.check.."};
    static final String[] FRAMEWORKS = {"jakarta..", "javax..", "io.helidon..", "org.eclipse.microprofile..",
        "org.glassfish..", "org.jboss..", "io.smallrye..", "picocli.."};

    private LayerRules() {
    }

    /** 1. The domain imports nothing outside {@code java.*}. */
    static final ArchRule DOMAIN_IS_PLAIN_JAVA = classes().that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN)
            .because("the domain is plain Java values and rules (rule 1)");

    /** 2. The application imports only the domain and {@code java.*}. */
    static final ArchRule APPLICATION_KNOWS_ONLY_DOMAIN = classes().that().resideInAPackage(APPLICATION)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN, APPLICATION)
            .because("use cases, ports and the engine use no framework and no adapter (rule 2)");

    /** 3. No adapter imports another adapter. */
    static final ArchRule ADAPTERS_ARE_INDEPENDENT = slices().matching("dev.vela.adapters.(*)..")
            .should().notDependOnEachOther()
            .because("adapters meet only through ports, wired in bootstrap (rule 3)");

    /** 4. Only bootstrap knows every module: nothing in the server depends on it. */
    static final ArchRule NOTHING_DEPENDS_ON_BOOTSTRAP = noClasses().that().resideOutsideOfPackages(andTools(BOOTSTRAP))
            .should().dependOnClassesThat().resideInAPackage(BOOTSTRAP)
            .because("bootstrap wires the modules; nothing may reach back into it (rule 4)");

    /** 4. No cycles between packages. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.vela.(**)").should().beFreeOfCycles()
            .because("packages form layers (rule 4)");

    /** 5. Ports are interfaces (the values they exchange are records or enums). */
    static final ArchRule PORTS_ARE_INTERFACES = classes().that().resideInAPackage(PORTS).and().areTopLevelClasses()
            .should().beInterfaces().orShould().beRecords().orShould().beEnums()
            .because("a port is an interface; the values crossing it are records (rule 5)");

    /** 5. Outbound ports are implemented in adapters, named by how: JlamaModelRunner, HfTokenizer. */
    static final ArchRule OUTBOUND_PORTS_IMPLEMENTED_IN_ADAPTERS_NAMED_BY_HOW = classes()
            .that(implementOutboundPort())
            .should().resideInAPackage(ADAPTERS)
            .andShould(beNamedByHowTheyImplementTheirPort())
            .because("implementations of outbound ports live in adapters and are named after the port, "
                    + "prefixed by how they do it (rule 5)");

    /**
     * 12. Only the command line and the observer of a failed runner end the server's process: a
     * library, an adapter or the engine that exits would take every other request down with it.
     */
    static final ArchRule ONLY_MAIN_AND_THE_FAILED_RUNNER_END_THE_PROCESS = noClasses()
            .that().resideOutsideOfPackages(TOOLS)
            .and().doNotHaveFullyQualifiedName("dev.vela.bootstrap.Main")
            .and().doNotHaveFullyQualifiedName("dev.vela.adapters.rest.ProcessExitEngineObserver")
            .should().callMethod(System.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "halt", int.class)
            .because("the process ends on a bad command line or a runner that failed for good, nowhere else (rule 12)");

    /** 6. Framework annotations and APIs appear only in adapters and bootstrap (and the tools, rule 11). */
    static final ArchRule FRAMEWORKS_ONLY_IN_ADAPTERS_AND_BOOTSTRAP = noClasses()
            .that().resideOutsideOfPackages(andTools(ADAPTERS, BOOTSTRAP))
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
            .because("CDI, JAX-RS, JSON-B and MicroProfile belong to the edges (rule 6)");

    /**
     * 7. The REST adapter is written against the Jakarta and MicroProfile APIs only: whatever needs
     * Helidon's own types, or the implementations it bundles, lives in bootstrap.
     */
    static final ArchRule REST_ADAPTER_USES_ONLY_STANDARD_APIS = noClasses().that().resideInAPackage("dev.vela.adapters.rest..")
            .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "org.glassfish..", "org.jboss..", "io.smallrye..")
            .because("adapters-rest may depend on application, domain and Jakarta/MicroProfile APIs only; "
                    + "Helidon's routing, filters and exceptions are bootstrap's (rule 7)");

    /** 8. Jlama is the model runners' library and no one else's in the server (rule 11). */
    static final ArchRule JLAMA_ONLY_IN_MODEL_RUNNERS = noClasses()
            .that().resideOutsideOfPackages(andTools("dev.vela.adapters.cpu..", "dev.vela.adapters.gpu.."))
            .should().dependOnClassesThat().resideInAPackage("com.github.tjake..")
            .because("Jlama's tokenizer mangles non-ASCII text; only its tensors and loader are used, in the runners (rule 8)");

    /** 9. The HF tokenizers library and Jinjava are the text-side adapter's in the server (rule 11). */
    static final ArchRule TEXT_LIBRARIES_ONLY_IN_HF_ADAPTER = noClasses()
            .that().resideOutsideOfPackages(andTools("dev.vela.adapters.hf.."))
            .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "com.hubspot.jinjava..")
            .because("tokenization and chat templates live behind the Tokenizer and ChatTemplates ports (rule 9)");

    /**
     * 10. Each module's classes live in its own package, {@code dev.vela.<module>} with the
     * module's dashes as dots ({@code adapters-cpu}: {@code dev.vela.adapters.cpu}, {@code gpu-check}:
     * {@code dev.vela.gpu.check}): no class sits in another module's package to reach what it keeps to itself.
     */
    static final ArchRule CLASSES_LIVE_IN_THEIR_MODULES_PACKAGE = classes().should(liveInTheirModulesPackage())
            .because("a class in another module's package reaches what that module keeps to itself, "
                    + "out of these rules' sight (rule 10)");

    /** 11. The tools (benchmarks, the GPU check) use the server; nothing in the server uses them. */
    static final ArchRule NOTHING_IN_THE_SERVER_DEPENDS_ON_THE_TOOLS = noClasses().that().resideOutsideOfPackages(TOOLS)
            .should().dependOnClassesThat().resideInAnyPackage(TOOLS)
            .because("benchmarks and the GPU check are not part of the server (rule 11)");

    /**
     * Where a module's class files are: its build's classes or jar, or a copy of its versioned jar
     * (in a Maven repository, or among another module's packaged libraries).
     */
    private static final Pattern[] MODULE_LOCATIONS = {
        Pattern.compile("/([a-z-]+)/target/(?:test-)?classes/"),
        Pattern.compile("/([a-z-]+)/target/[^/!]+\\.jar!/"),
        Pattern.compile("/vela-([a-z-]+?)-\\d[^/!]*\\.jar!/"),
    };

    /** The Maven module (its directory's name) that holds a class file. */
    static Optional<String> moduleOf(JavaClass c) {
        return c.getSource().flatMap(source -> {
            String uri = source.getUri().toString();
            return Stream.of(MODULE_LOCATIONS).map(location -> location.matcher(uri)).filter(Matcher::find).findFirst()
                    .map(m -> m.group(1));
        });
    }

    private static ArchCondition<JavaClass> liveInTheirModulesPackage() {
        return new ArchCondition<>("live in their module's package") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                Optional<String> module = moduleOf(c);
                if (module.isEmpty()) {
                    events.add(SimpleConditionEvent.violated(c, "cannot tell which module holds " + c.getName()
                            + " (" + c.getSource().map(source -> source.getUri().toString()).orElse("no source") + ")"));
                    return;
                }
                String home = "dev.vela." + module.get().replace('-', '.');
                String pkg = c.getPackageName();
                boolean inHome = pkg.equals(home) || pkg.startsWith(home + ".");
                events.add(new SimpleConditionEvent(c, inHome, c.getName() + " of module " + module.get()
                        + (inHome ? " lives in " : " does not live in ") + home));
            }
        };
    }

    /** These packages and the tools', which may use whatever the server is made of. */
    private static String[] andTools(String... packages) {
        return Stream.concat(Stream.of(packages), Stream.of(TOOLS)).toArray(String[]::new);
    }

    private static DescribedPredicate<JavaClass> implementOutboundPort() {
        return new DescribedPredicate<>("implement an outbound port") {
            @Override
            public boolean test(JavaClass c) {
                return !c.isInterface() && c.getAllRawInterfaces().stream()
                        .anyMatch(i -> i.getPackageName().startsWith("dev.vela.application.port.out"));
            }
        };
    }

    private static ArchCondition<JavaClass> beNamedByHowTheyImplementTheirPort() {
        return new ArchCondition<>("be named <How><Port>") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                c.getAllRawInterfaces().stream()
                        .filter(i -> i.getPackageName().startsWith("dev.vela.application.port.out"))
                        .forEach(port -> {
                            String name = c.getSimpleName();
                            boolean named = name.endsWith(port.getSimpleName()) && name.length() > port.getSimpleName().length();
                            events.add(new SimpleConditionEvent(c, named, c.getName() + (named ? " is" : " is not")
                                    + " named <How>" + port.getSimpleName()));
                        });
            }
        };
    }
}
