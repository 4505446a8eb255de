package dev.vela.adapters.rest;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vela.adapters.rest.wire.ChatCompletionRequest;
import dev.vela.adapters.rest.wire.CompletionRequest;
import dev.vela.adapters.rest.wire.DetokenizeRequest;
import dev.vela.adapters.rest.wire.TokenizeRequests;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds every body the fuzzer makes to the parser of each endpoint that reads a body, as the
 * resources do. A body either becomes a command or is refused with an exception that maps to a
 * 4xx ({@link InvalidRequestException}, {@link NotFoundException}); any other throwable would be
 * a 500 and fails the test, as does a body that takes longer than the timeout.
 *
 * <p>{@code ./mvnw verify} replays the inputs under {@code RequestParsingFuzzTestInputs} (the
 * seeds and every crash found so far) and then fuzzes 10^5 bodies, for two minutes at most;
 * {@code bin/fuzz} fuzzes for longer. A crash is written next to the seeds and replayed from then on.
 */
class RequestParsingFuzzTest {

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final long STARTED = System.nanoTime();

    @FuzzTest(maxDuration = "120s", maxExecutions = 100_000)
    @DictionaryFile(resourcePath = "openai-request.dict")
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyBodyBecomesACommandOrAClientError(byte[] bytes) {
        EXECUTIONS.incrementAndGet();
        // Helidon hands the resources the body decoded as UTF-8, malformed bytes replaced.
        String body = new String(bytes, StandardCharsets.UTF_8);
        refusedAsAClientErrorIfAtAll(() -> ChatCompletionRequest.read(RequestBodies.parse(body, "ChatCompletionRequest"))
                .toCommand());
        refusedAsAClientErrorIfAtAll(() -> CompletionRequest.read(RequestBodies.parse(body, "CompletionRequest"))
                .toCommand());
        refusedAsAClientErrorIfAtAll(() -> TokenizeRequests.read(RequestBodies.parse(body, "TokenizeRequest")));
        refusedAsAClientErrorIfAtAll(() -> DetokenizeRequest.read(RequestBodies.parse(body, "DetokenizeRequest"))
                .toCommand());
    }

    private static void refusedAsAClientErrorIfAtAll(Runnable parse) {
        try {
            parse.run();
        } catch (InvalidRequestException | NotFoundException refused) {
            // A 400 or 404 in the OpenAI shape: what a client that sent this body should get.
        }
    }

    /** How many bodies were tried, for the report of a fuzzing run (bin/fuzz prints it). */
    @AfterAll
    static void reportExecutions() throws IOException {
        long executions = EXECUTIONS.get();
        double seconds = (System.nanoTime() - STARTED) / 1e9;
        String line = String.format("%d bodies parsed by 4 endpoints' parsers in %.1f s (%.0f/s)%n",
                executions, seconds, executions / seconds);
        System.out.print(line);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("fuzz-executions.txt"), line);
        }
    }
}
