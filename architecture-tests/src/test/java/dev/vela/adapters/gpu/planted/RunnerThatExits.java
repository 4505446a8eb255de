package dev.vela.adapters.gpu.planted;

/** A deliberate violation, checked by ArchitectureTest: a runner must report its failure, never end the process. */
public class RunnerThatExits {

    void giveUp() {
        System.exit(1);
    }
}
