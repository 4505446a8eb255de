package dev.vela.application.engine.planted;

/**
 * A deliberate violation, checked by ArchitectureTest: a class built by another module (here
 * architecture-tests) in the application's package.
 */
public class ProbeInTheEnginesPackage {
}
