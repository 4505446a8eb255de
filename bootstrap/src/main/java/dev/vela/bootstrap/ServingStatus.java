package dev.vela.bootstrap;

import dev.vela.application.port.in.EngineStatus;

/**
 * The engine's status from the moment the server listens: while the model loads there is no engine
 * yet, so it reports not healthy and nothing running; once loaded it is the engine's own.
 */
final class ServingStatus implements EngineStatus {

    private volatile EngineStatus engine;

    void serving(EngineStatus engine) {
        this.engine = engine;
    }

    /** True once the model has loaded, whether or not the engine is still healthy. */
    boolean loaded() {
        return engine != null;
    }

    @Override
    public boolean healthy() {
        EngineStatus current = engine;
        return current != null && current.healthy();
    }

    @Override
    public int runningCount() {
        EngineStatus current = engine;
        return current == null ? 0 : current.runningCount();
    }

    @Override
    public int waitingCount() {
        EngineStatus current = engine;
        return current == null ? 0 : current.waitingCount();
    }

    @Override
    public double kvCacheUsage() {
        EngineStatus current = engine;
        return current == null ? 0.0 : current.kvCacheUsage();
    }
}
