package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.application.port.out.RunnerFailedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A runner that fails for good ends the process with a status of its own, for the orchestrator to restart it. */
class ExitOnRunnerFailureTest {

    @Test
    void aFailedRunnerExitsWithStatus3() {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        new ExitOnRunnerFailure(statuses::add).runnerFailed(new RunnerFailedException("rank 1 of 2 failed", null));
        assertEquals(List.of(3), statuses);
    }

    @Test
    void nothingElseTheEngineReportsExits() {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        ExitOnRunnerFailure observer = new ExitOnRunnerFailure(statuses::add);
        observer.stepped(10, 1);
        observer.preempted();
        assertEquals(List.of(), statuses);
    }
}
