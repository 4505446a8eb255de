package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.domain.error.RunnerFailedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A runner that fails for good ends the process with a status of its own, for the orchestrator to restart it. */
class ProcessExitEngineObserverTest {

    @Test
    void aFailedRunnerExitsWithStatus3() {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        new ProcessExitEngineObserver(statuses::add).runnerFailed(new RunnerFailedException("rank 1 of 2 failed", null));
        assertEquals(List.of(3), statuses);
    }

    @Test
    void nothingElseTheEngineReportsExits() {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        ProcessExitEngineObserver observer = new ProcessExitEngineObserver(statuses::add);
        observer.stepped(10, 1);
        observer.preempted();
        assertEquals(List.of(), statuses);
    }
}
