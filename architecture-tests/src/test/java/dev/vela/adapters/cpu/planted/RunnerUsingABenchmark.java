package dev.vela.adapters.cpu.planted;

import dev.vela.benchmarks.SamplingProbe;

/** A deliberate violation, checked by ArchitectureTest: the server must not use the benchmarks. */
public class RunnerUsingABenchmark {

    double[] timed() {
        return SamplingProbe.greedyMicrosPerToken(2, 1, 1);
    }
}
