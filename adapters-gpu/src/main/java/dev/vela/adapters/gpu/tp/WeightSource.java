package dev.vela.adapters.gpu.tp;

/** Where a rank's weights come from: a model's files, or a hash that generates them on the device. */
public interface WeightSource {

    /** Fills {@code destination} (allocated for {@code tensor}, zeroed) with the regions of {@code tensor}. */
    void load(Backend backend, ShardedTensor tensor, Tensor destination);
}
