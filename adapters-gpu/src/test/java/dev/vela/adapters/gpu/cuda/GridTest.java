package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Launch geometry within CUDA's limits, whatever the step's size. */
class GridTest {

    @Test
    void attentionOverMoreThan65535BatchedTokensLaunches() {
        Grid grid = Grid.attention(131_072, 40, 1);
        assertEquals(131_072, grid.x(), "one block column per token");
        assertEquals(40, grid.y(), "one block row per query head");
    }

    @Test
    void aDecodeStepSplitsTheContextIntoPartitionsInZ() {
        assertEquals(new Grid(8, 40, 256), Grid.attention(8, 40, 256));
    }

    @Test
    void tokensInYWouldOverflowAbove65535() {
        assertThrows(IllegalArgumentException.class, () -> new Grid(40, 65_536, 1));
    }

    @Test
    void aGridStrideLoopTakesAtMost65535Blocks() {
        assertEquals(65_535, Grid.strided(1L << 40, 256).x());
        assertEquals(1, Grid.strided(0, 256).x());
        assertEquals(4, Grid.strided(1000, 256).x());
    }

    @Test
    void anEmptyStepLaunchesNothing() {
        assertTrue(Grid.attention(0, 40, 1).empty());
    }

    /** The kernels read the token from blockIdx.x and the head from blockIdx.y, as Grid.attention lays them out. */
    @Test
    void theAttentionKernelsReadTheTokenFromX() throws IOException {
        String cuda = Files.readString(Path.of("src/main/cuda/attention.cuh"));
        assertEquals(2, count(cuda, "int t = blockIdx.x;"), "partial and combine take the token from x");
        assertEquals(2, count(cuda, "int h = blockIdx.y;"), "partial and combine take the head from y");
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
