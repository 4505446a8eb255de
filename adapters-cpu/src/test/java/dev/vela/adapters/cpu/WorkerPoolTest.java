package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyElementRunsExactlyOnceInChunksThatStartOnTheAlignment() {
        for (int threads = 1; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[] {1, 2, 7, 64, 72, 1000, 9496}) {
                    for (int align : new int[] {1, 3, 4}) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(n);
                        int[] misaligned = {0};
                        pool.run(n, align, (from, to) -> {
                            if (from % align != 0 && from != 0) {
                                misaligned[0]++;
                            }
                            for (int i = from; i < to; i++) {
                                runs.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(1, runs.get(i), "element " + i + " of " + n + ", align " + align + ", threads " + threads);
                        }
                        assertEquals(0, misaligned[0]);
                    }
                }
            }
        }
    }

    @Test
    void regionsFollowingEachOtherNeverMixTheirWork() {
        try (WorkerPool pool = new WorkerPool(2)) {
            long[] sums = new long[2];
            for (int region = 0; region < 5000; region++) {
                int n = 1 + region % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                pool.run(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    sums[runs.get(i) == 1 ? 0 : 1]++;
                }
            }
            assertEquals(0, sums[1], "elements not run exactly once");
            assertTrue(sums[0] > 0);
        }
    }

    @Test
    void aFailingChunkFailsTheRegionAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> pool.run(100, (from, to) -> {
                if (from <= 50 && 50 < to) {
                    throw boom;
                }
            }));
            assertSame(boom, failure.getCause());
            AtomicIntegerArray runs = new AtomicIntegerArray(100);
            pool.run(100, (from, to) -> {
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, runs.get(i));
            }
        }
    }
}
