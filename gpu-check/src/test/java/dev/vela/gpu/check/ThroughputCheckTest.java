package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.adapters.gpu.tp.ElementType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputCheckTest {

    @TempDir
    Path out;

    /** The design's decode floors at 4.3 TB/s: 0.72, 3.29 and 14.9 ms per token at batch 1 (KV not counted). */
    @Test
    void theBandwidthFloorsAreTheDesigns() {
        assertEquals(0.72, ThroughputCheck.floorMillis(ThroughputCheck.QWEN2_5_1_5B, 0), 0.02);
        assertEquals(3.29, ThroughputCheck.floorMillis(ThroughputCheck.QWEN2_5_7B, 0), 0.05);
        assertEquals(14.9, ThroughputCheck.floorMillis(ThroughputCheck.QWEN2_5_32B, 0), 0.1);
    }

    @Test
    void theKvCacheReadIsPartOfTheFloor() {
        // 28 layers x 2 KV heads x 128 x (k and v) x 2 bytes = 28 KiB per position (the design's figure)
        double perPosition = ThroughputCheck.decodeBytes(ThroughputCheck.QWEN2_5_1_5B, 1)
                - ThroughputCheck.decodeBytes(ThroughputCheck.QWEN2_5_1_5B, 0);
        assertEquals(28 * 1024, perPosition);
    }

    @Test
    void theHarnessMeasuresPrefillAndDecodeOnAnyRunner() {
        Results results = Results.in(out);
        HashWeightSource weights = new HashWeightSource(ParityCheck.TINY, 1);
        new ThroughputCheck(results).run("tiny cpu", ParityCheck.TINY, () -> CpuReferenceRunner.open(ParityCheck.TINY,
                weights, 2, ElementType.F32, 64L << 20, false), new ThroughputCheck.Plan(16, 3, 1, new int[] {8, 40}, 2),
                16L << 20);
        List<String> names = results.all().stream().map(Results.Result::name).toList();
        assertEquals(List.of("tiny cpu load", "tiny cpu prefill 16", "tiny cpu decode ctx 8 batch 1",
                "tiny cpu decode ctx 40 batch 1", "tiny cpu decode ctx 8 batch 2"), names);
        assertEquals(0, results.count(Results.Status.FAIL), String.valueOf(results.all()));
        assertTrue(results.all().stream().allMatch(r -> r.value() > 0));
    }
}
