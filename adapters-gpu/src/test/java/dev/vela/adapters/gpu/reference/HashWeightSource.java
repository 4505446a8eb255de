package dev.vela.adapters.gpu.reference;

import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.Region;
import dev.vela.adapters.gpu.tp.ShardedTensor;
import dev.vela.adapters.gpu.tp.Tensor;
import dev.vela.adapters.gpu.tp.WeightHash;
import dev.vela.adapters.gpu.tp.WeightSource;
import dev.vela.domain.model.ModelConfig;

/**
 * A random Qwen2 model generated where it is used ({@link WeightHash}): no file, no host transfer,
 * any size a device can hold, and the same values on every backend and for every split. Scales
 * follow Vela's random model writer: unit embedding, norms near 1, projections of variance
 * {@code 1/in}, small biases, and an lm_head whose logits spread about 3.
 */
public record HashWeightSource(ModelConfig model, int seed) implements WeightSource {

    private static final float SQRT_3 = (float) Math.sqrt(3.0);

    @Override
    public void load(Backend backend, ShardedTensor tensor, Tensor destination) {
        for (Region region : tensor.regions()) {
            backend.fillHash(hashOf(region.source()), region, destination, tensor.columns());
        }
    }

    /** The hash (and so the distribution) of one model tensor. */
    public WeightHash hashOf(String source) {
        int key = WeightHash.keyOf(source);
        float h = model.hiddenSize();
        float std;
        float mean = 0.0f;
        if (source.endsWith("norm.weight")) {
            std = 0.05f;
            mean = 1.0f;
        } else if (source.endsWith(".bias")) {
            std = 0.05f;
        } else if (source.equals("model.embed_tokens.weight")) {
            std = 1.0f;
        } else if (source.equals("lm_head.weight")) {
            std = (float) (3.0 / Math.sqrt(h));
        } else if (source.endsWith("o_proj.weight")) {
            std = (float) (1.0 / Math.sqrt((double) model.numHeads() * model.headDim()));
        } else if (source.endsWith("down_proj.weight")) {
            std = (float) (1.0 / Math.sqrt(model.intermediateSize()));
        } else {
            std = (float) (1.0 / Math.sqrt(h));
        }
        return new WeightHash(seed, key, mean, std * SQRT_3);
    }
}
