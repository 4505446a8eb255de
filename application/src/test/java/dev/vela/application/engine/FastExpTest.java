package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastExpTest {

    @Test
    void agreesWithMathExpToAFewUlpsOverTheWholeRange() {
        for (float x = -87f; x <= 88f; x += 0.00731f) {
            double expected = Math.exp(x);
            double relative = Math.abs(FastExp.exp(x) - expected) / expected;
            assertTrue(relative < 4e-7, "x=" + x + " relative error " + relative);
        }
    }

    @Test
    void saturatesAtTheEdges() {
        assertEquals(0f, FastExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, FastExp.exp(-1000f));
        assertTrue(Float.isNaN(FastExp.exp(Float.NaN)));
        assertEquals(1f, FastExp.exp(0f));
    }
}
