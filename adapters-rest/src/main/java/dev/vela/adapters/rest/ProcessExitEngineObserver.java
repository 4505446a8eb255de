package dev.vela.adapters.rest;

import dev.vela.application.port.out.EngineObserver;
import dev.vela.domain.error.RunnerFailedException;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * Ends the process with {@value #STATUS} when the model runner fails for good (a GPU rank died), so
 * that an orchestrator restarts it: the engine has already failed every request and {@code /health}
 * answers 503. The exit runs on a thread of its own, so Helidon's shutdown hook can let the failed
 * requests' answers go out while the engine thread returns.
 */
public final class ProcessExitEngineObserver implements EngineObserver {

    /** The exit status of a server whose runner failed while serving (1 and 2 are start-up failures). */
    public static final int STATUS = 3;

    private static final Logger LOG = Logger.getLogger(ProcessExitEngineObserver.class.getName());

    private final IntConsumer exit;

    public ProcessExitEngineObserver(IntConsumer exit) {
        this.exit = exit;
    }

    /** Exits the JVM. */
    public static ProcessExitEngineObserver process() {
        return new ProcessExitEngineObserver(status -> Thread.ofPlatform().name("vela-exit").start(() -> System.exit(status)));
    }

    @Override
    public void runnerFailed(RunnerFailedException error) {
        LOG.severe("The model runner failed (" + error.getMessage() + "); exiting with status " + STATUS
                + " so that the server is restarted");
        exit.accept(STATUS);
    }
}
