package dev.vela.adapters.gpu.reference;

/** How far a result is from its reference, the measure every tolerance against the CPU reference is stated in. */
public final class RelativeL2 {

    private RelativeL2() {
    }

    /** ‖got − expected‖ / ‖expected‖ (the plain norm of the difference when {@code expected} is zero). */
    public static double between(float[] got, float[] expected) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < got.length; i++) {
            double d = (double) got[i] - expected[i];
            difference += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return norm == 0 ? Math.sqrt(difference) : Math.sqrt(difference / norm);
    }
}
