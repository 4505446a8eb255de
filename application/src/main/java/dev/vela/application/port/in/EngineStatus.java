package dev.vela.application.port.in;

/** How the engine is doing, for health checks and gauges. */
public interface EngineStatus {

    /** True while the engine can serve (its thread is alive and it has not failed). */
    boolean healthy();

    /** Sequences in the current engine step. */
    int runningCount();

    /** Sequences waiting to be admitted. */
    int waitingCount();

    /** Share of the KV cache in use, 0 to 1. */
    double kvCacheUsage();
}
