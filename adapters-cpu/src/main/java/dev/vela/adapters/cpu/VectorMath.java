package dev.vela.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The small vector kernels of a Qwen2 layer besides the matrix products. */
final class VectorMath {

    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final int L = F.length();

    private VectorMath() {
    }

    /**
     * The sum of the first {@link #LANES} floats of {@code lanes}, in order. Kernels store an
     * accumulator there ({@code intoArray}) and call this: the Vector API's own reduction leaves
     * the order open and it differs between interpreted and compiled code, which would make a
     * sequence's logits depend on how warm the JIT is; and passing a vector to a method the JIT
     * does not inline would box it.
     */
    static float sumLanes(float[] lanes) {
        float sum = lanes[0];
        for (int i = 1; i < L; i++) {
            sum += lanes[i];
        }
        return sum;
    }

    /** Floats per vector. */
    static final int LANES = L;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f;

    /**
     * {@code a[from..from+n) = e^a[...]} from basic arithmetic only (Cephes' expf: range reduction
     * by ln 2, a degree-5 polynomial, the exponent set through the float's bits), about 1 ulp.
     * Unlike the Vector API's EXP it gives the same bits interpreted or compiled. It works on an
     * array, not on a vector passed in and returned: the JIT does not inline a method whose
     * compiled code is already large, and a vector that crosses a call it did not inline is boxed,
     * which made the whole SiLU several times slower in some runs and not in others.
     */
    static void exp(float[] a, int from, int n) {
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector x = FloatVector.fromArray(F, a, from + k);
            FloatVector clamped = x.max(-87.3f).min(88.7f);
            // adding and taking away 1.5 * 2^23 rounds to the nearest integer (|x log2 e| < 2^22)
            FloatVector m = clamped.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
            FloatVector r = m.fma(FloatVector.broadcast(F, -LN2_HI), clamped);
            r = m.fma(FloatVector.broadcast(F, -LN2_LO), r);
            FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
            p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
            p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
            p = p.fma(r.mul(r), r).add(1f);
            jdk.incubator.vector.IntVector bits = ((jdk.incubator.vector.IntVector) m.convert(VectorOperators.F2I, 0))
                    .add(127).lanewise(VectorOperators.LSHL, 23);
            p.mul(bits.reinterpretAsFloats()).intoArray(a, from + k);
        }
        for (; k < n; k++) {
            a[from + k] = exp(a[from + k]);
        }
    }

    /** The scalar twin of {@link #exp(float[], int, int)}, for the elements after the last whole vector. */
    static float exp(float x) {
        float clamped = Math.min(Math.max(x, -87.3f), 88.7f);
        float n = clamped * LOG2E + ROUNDER - ROUNDER;
        float r = Math.fma(n, -LN2_HI, clamped);
        r = Math.fma(n, -LN2_LO, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * {@code out[o..o+n) = x[i..i+n) / rms(x) * weight}.
     *
     * @param lanes scratch of {@link #LANES} floats for {@link #sumLanes}, the caller's own
     */
    static void rmsNorm(float[] x, int i, float[] weight, float eps, float[] out, int o, int n, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector v = FloatVector.fromArray(F, x, i + k);
            acc = v.fma(v, acc);
        }
        acc.intoArray(lanes, 0);
        float sum = sumLanes(lanes);
        for (; k < n; k++) {
            sum += x[i + k] * x[i + k];
        }
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        k = 0;
        for (; k + L <= n; k += L) {
            FloatVector.fromArray(F, x, i + k).mul(scale).mul(FloatVector.fromArray(F, weight, k)).intoArray(out, o + k);
        }
        for (; k < n; k++) {
            out[o + k] = x[i + k] * scale * weight[k];
        }
    }

    /** {@code x[i..i+n) += y[j..j+n)}. */
    static void add(float[] x, int i, float[] y, int j, int n) {
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector.fromArray(F, x, i + k).add(FloatVector.fromArray(F, y, j + k)).intoArray(x, i + k);
        }
        for (; k < n; k++) {
            x[i + k] += y[j + k];
        }
    }

    /** {@code out[o..o+n) = silu(gate[g..g+n)) * up[u..u+n)}, with {@code silu(x) = x / (1 + e^-x)}. */
    static void siluMul(float[] gate, int g, float[] up, int u, float[] out, int o, int n) {
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector.fromArray(F, gate, g + k).neg().intoArray(out, o + k);
        }
        for (; k < n; k++) {
            out[o + k] = -gate[g + k];
        }
        exp(out, o, n);
        k = 0;
        for (; k + L <= n; k += L) {
            FloatVector x = FloatVector.fromArray(F, gate, g + k);
            x.div(FloatVector.fromArray(F, out, o + k).add(1f)).mul(FloatVector.fromArray(F, up, u + k)).intoArray(out, o + k);
        }
        for (; k < n; k++) {
            out[o + k] = gate[g + k] / (out[o + k] + 1f) * up[u + k];
        }
    }

    /**
     * Rotates {@code heads} heads of size {@code dim} in place, neox style: element {@code i} pairs
     * with {@code i + dim/2}, turned by {@code cos[tableAt + i]} and {@code sin[tableAt + i]}.
     */
    static void rope(float[] x, int at, int heads, int dim, float[] cos, float[] sin, int tableAt) {
        int half = dim / 2;
        for (int h = 0; h < heads; h++) {
            int base = at + h * dim;
            int i = 0;
            for (; i + L <= half; i += L) {
                FloatVector a = FloatVector.fromArray(F, x, base + i);
                FloatVector b = FloatVector.fromArray(F, x, base + half + i);
                FloatVector cosine = FloatVector.fromArray(F, cos, tableAt + i);
                FloatVector sine = FloatVector.fromArray(F, sin, tableAt + i);
                a.mul(cosine).sub(b.mul(sine)).intoArray(x, base + i);
                b.mul(cosine).add(a.mul(sine)).intoArray(x, base + half + i);
            }
            for (; i < half; i++) {
                float a = x[base + i];
                float b = x[base + half + i];
                x[base + i] = a * cos[tableAt + i] - b * sin[tableAt + i];
                x[base + half + i] = b * cos[tableAt + i] + a * sin[tableAt + i];
            }
        }
    }

    /** The largest of {@code x[from..from+n)} (NaN if one is; the order of comparisons does not change it). */
    static float max(float[] x, int from, int n, float[] lanes) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int k = 0;
        for (; k + L <= n; k += L) {
            acc = acc.max(FloatVector.fromArray(F, x, from + k));
        }
        acc.intoArray(lanes, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < L; i++) {
            max = Math.max(max, lanes[i]);
        }
        for (; k < n; k++) {
            max = Math.max(max, x[from + k]);
        }
        return max;
    }

    /**
     * {@code x[from..from+n) = exp(x - max)} and returns their sum.
     *
     * @param lanes scratch of {@link #LANES} floats for {@link #sumLanes}, the caller's own
     */
    static float expShifted(float[] x, int from, float max, int n, float[] lanes) {
        int k = 0;
        for (; k + L <= n; k += L) {
            FloatVector.fromArray(F, x, from + k).sub(max).intoArray(x, from + k);
        }
        for (; k < n; k++) {
            x[from + k] = x[from + k] - max;
        }
        exp(x, from, n);
        FloatVector acc = FloatVector.zero(F);
        k = 0;
        for (; k + L <= n; k += L) {
            acc = acc.add(FloatVector.fromArray(F, x, from + k));
        }
        acc.intoArray(lanes, 0);
        float sum = sumLanes(lanes);
        for (; k < n; k++) {
            sum += x[from + k];
        }
        return sum;
    }
}
