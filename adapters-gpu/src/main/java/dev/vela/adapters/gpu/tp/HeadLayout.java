package dev.vela.adapters.gpu.tp;

/**
 * The attention heads one rank computes: its query heads, the KV heads they read (its own, possibly
 * replicated), and where both start among the model's heads, so that local query head {@code j}
 * finds its local KV head as {@code (qHeadBase + j) / queriesPerKvHead - kvHeadBase}.
 */
public record HeadLayout(int qHeads, int kvHeads, int headDim, int qHeadBase, int kvHeadBase, int queriesPerKvHead) {

    public HeadLayout {
        if (qHeads <= 0 || kvHeads <= 0 || headDim <= 0 || headDim % 2 != 0 || queriesPerKvHead <= 0) {
            throw new IllegalArgumentException("bad head layout: " + qHeads + " q, " + kvHeads + " kv, d=" + headDim);
        }
    }

    /** The local KV head that local query head {@code localQHead} attends with. */
    public int kvHeadOf(int localQHead) {
        return (qHeadBase + localQHead) / queriesPerKvHead - kvHeadBase;
    }

    /** Width of one token's q|k|v row. */
    public int qkvWidth() {
        return (qHeads + 2 * kvHeads) * headDim;
    }
}
