package dev.vela.application.engine;

/**
 * {@code e^x} in float precision (about 1 ulp) from a few multiply-adds: range reduction by ln 2,
 * a degree-5 polynomial (Cephes' expf), the power of two set through the float's bits. The sampler
 * takes an exponential of every logit when it draws or reports logprobs; this is several times
 * cheaper than {@link Math#exp}, which works in double precision.
 */
final class FastExp {

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding and taking away 1.5 * 2^23 rounds a float to the nearest integer. */
    private static final float ROUNDER = 12582912f;

    private FastExp() {
    }

    static float exp(float x) {
        if (!(x > -87.3f)) {
            return x != x ? x : 0f;                 // NaN stays NaN; very negative (and -inf) is 0
        }
        float clamped = Math.min(x, 88.7f);
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
}
