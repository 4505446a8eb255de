package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import java.util.Arrays;

/**
 * Weights from a model's memory-mapped files: each region goes from the mapping to the device in
 * one (2-D for row-parallel slices) copy, with no copy of the whole tensor on the host.
 */
public record ModelWeightsSource(ModelWeights weights) implements WeightSource {

    @Override
    public void load(Backend backend, ShardedTensor tensor, Tensor destination) {
        for (Region region : tensor.regions()) {
            WeightTensor source = weights.tensor(region.source());
            check(source, region);
            backend.copyRegion(source, region, destination, tensor.columns());
        }
    }

    /** The region must lie inside the tensor as the model stores it ({@code [rows, columns]}, or {@code [n]}). */
    private static void check(WeightTensor source, Region region) {
        long[] shape = source.shape();
        boolean fits = switch (shape.length) {
            case 1 -> shape[0] == region.sourceColumns() && region.sourceRow() + region.rows() <= 1;
            case 2 -> shape[1] == region.sourceColumns() && region.sourceRow() + region.rows() <= shape[0];
            default -> false;
        };
        if (!fits) {
            throw new IllegalArgumentException(source.name() + " has shape " + Arrays.toString(shape)
                    + ", which does not hold rows [" + region.sourceRow() + ", " + (region.sourceRow() + region.rows())
                    + ") of width " + region.sourceColumns() + " that config.json implies");
        }
    }
}
