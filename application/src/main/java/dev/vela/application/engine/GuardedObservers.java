package dev.vela.application.engine;

import dev.vela.application.port.out.EngineObserver;
import dev.vela.domain.error.RunnerFailedException;
import dev.vela.domain.generation.FinishReason;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells every {@link EngineObserver} what the engine did, each on its own: an observer that throws
 * is logged and skipped, so metrics can never fail a request or stop the engine thread.
 */
final class GuardedObservers {

    private static final Logger LOG = Logger.getLogger(GuardedObservers.class.getName());

    private final List<EngineObserver> observers;

    GuardedObservers(List<EngineObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    void stepped(int promptTokens, int generatedTokens) {
        tell(o -> o.stepped(promptTokens, generatedTokens));
    }

    void firstToken(double seconds) {
        tell(o -> o.firstToken(seconds));
    }

    void interToken(double seconds) {
        tell(o -> o.interToken(seconds));
    }

    void finished(FinishReason reason, double queueSeconds, double e2eSeconds, int promptTokens,
                         int generationTokens) {
        tell(o -> o.finished(reason, queueSeconds, e2eSeconds, promptTokens, generationTokens));
    }

    void preempted() {
        tell(EngineObserver::preempted);
    }

    void prefixCacheLookup(int queriedTokens, int hitTokens) {
        tell(o -> o.prefixCacheLookup(queriedTokens, hitTokens));
    }

    void runnerFailed(RunnerFailedException error) {
        tell(o -> o.runnerFailed(error));
    }

    private void tell(Consumer<EngineObserver> event) {
        for (EngineObserver observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "An engine observer failed; the engine goes on", e);
            }
        }
    }
}
