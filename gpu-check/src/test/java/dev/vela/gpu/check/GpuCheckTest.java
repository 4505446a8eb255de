package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The GPU check on a machine without a GPU: stage 0 reports why, the others are recorded as skipped, never passed. */
@DisabledIf("dev.vela.adapters.gpu.Cuda#available")
class GpuCheckTest {

    @TempDir
    Path out;

    @Test
    void withoutAGpuEveryGpuStageIsSkippedAndSaysWhy() throws IOException {
        GpuCheck check = new GpuCheck(out, false);
        String printed = capture(() -> {
            assertEquals(0, check.run("0"));
            for (String stage : List.of("1", "2", "3", "4")) {
                assertEquals(0, check.run(stage));
            }
        });
        assertTrue(printed.contains("No GPU here: stages 1 to 4 will be SKIPPED."), printed);
        assertTrue(printed.contains("SKIPPED stage 1 (kernels): no GPU: "), printed);
        assertTrue(printed.contains("SKIPPED stage 4 (throughput): no GPU: "), printed);
        Results results = Results.in(out);
        assertEquals(4, results.count(Results.Status.SKIP));
        assertEquals(0, results.count(Results.Status.PASS));
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"status\":\"skip\""));
    }

    @Test
    void theSummaryTableSaysNothingRanOnAGpu() throws IOException {
        GpuCheck check = new GpuCheck(out, false);
        String printed = capture(() -> {
            check.run("0");
            check.run("1");
            assertEquals(0, check.run("summary"));
        });
        assertTrue(printed.contains("0 passed, 0 failed, 1 skipped"), printed);
        assertTrue(printed.contains("NOTHING RAN ON A GPU"), printed);
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("SKIP"));
    }

    @Test
    void resultsSurviveARoundTripThroughResultsJson() {
        Results results = Results.in(out);
        results.info(4, "a \"quoted\" name", 1.5, "ms", "tab\there, é, back\\slash");
        results.atMost(1, "gemm", 2e-3, 5e-3, "rel-L2", "");
        List<Results.Result> read = Results.in(out).all();
        assertEquals(results.all(), read);
    }

    private static String capture(Runnable work) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
