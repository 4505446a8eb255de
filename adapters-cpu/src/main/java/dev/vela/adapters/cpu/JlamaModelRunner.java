package dev.vela.adapters.cpu;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ModelRunner} on the CPU: Jlama's Qwen2 forward pass with float32 activations and one
 * Jlama KV cache per sequence. The sequences of a batch run one after another, and every token
 * is fed on its own: Jlama's batched prefill ({@code batchForward}) gives wrong logits with its
 * native kernels at Qwen2.5's width for most prompt lengths. Not thread-safe: one engine thread
 * calls it.
 */
public final class JlamaModelRunner implements ModelRunner {

    private static final String ENGINE = "cpu/jlama";
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final AbstractModel model;
    private final RunnerInfo info;
    private final KvBufferCache kvBuffers;
    private final Map<Long, SequenceCache> sequences = new HashMap<>();
    /** Jlama writes the raw logits of one position here; copied out into {@link #logitRow}. */
    private final AbstractTensor<?, ?> logitsScratch;
    /** The row handed to the engine, reused for every position. */
    private final float[] logitRow;
    private boolean closed;

    private JlamaModelRunner(AbstractModel model, RunnerInfo info) {
        this.model = model;
        this.info = info;
        this.kvBuffers = new KvBufferCache(model);
        this.logitsScratch = model.makeDenseTensor(1, info.vocabularySize());
        this.logitRow = new float[info.vocabularySize()];
    }

    /**
     * Loads the Qwen2 model in {@code modelDirectory} ({@code config.json}, {@code tokenizer.json},
     * {@code model.safetensors}; float32 or bfloat16 weights).
     *
     * @param config      the model's shape, as read from its {@code config.json}
     * @param maxModelLen the most positions the engine will give one sequence
     * @throws IllegalArgumentException if {@code maxModelLen} is more than Jlama can serve for
     *                                  this model ({@link #maxPositions(ModelConfig)})
     */
    public static JlamaModelRunner load(Path modelDirectory, ModelConfig config, int maxModelLen) {
        int maxPositions = maxPositions(config);
        if (maxModelLen <= 0 || maxModelLen > maxPositions) {
            throw new IllegalArgumentException("max-model-len " + maxModelLen + " is not between 1 and "
                    + maxPositions + ", the most positions the cpu/jlama runner can serve for "
                    + modelDirectory + " (max_position_embeddings " + config.maxPositionEmbeddings()
                    + " less Jlama's RoPE margin)");
        }
        // Float32 working memory: Jlama's bfloat16 working memory gives NaN logits. Naming float32 as
        // the model's quantization keeps bfloat16 weights as they are but stops Jlama from rounding
        // the activations to bfloat16 before every matrix product.
        AbstractModel model = ModelSupport.loadModel(modelDirectory.toFile(), null, DType.F32, DType.F32,
                Optional.of(DType.F32), Optional.empty());
        return new JlamaModelRunner(model,
                new RunnerInfo(ENGINE, config.dtype(), model.getConfig().vocabularySize, maxPositions, false));
    }

    /**
     * The most positions this runner serves for a model. Jlama's RoPE table has
     * {@code max_position_embeddings} rows, but it reads the row of key head {@code g} at
     * {@code position + 2g}: positions from {@code max_position_embeddings - 2 * (num_key_value_heads - 1)}
     * on fail with an ArrayIndexOutOfBoundsException. (Queries are shifted the same way, so
     * attention is right.)
     */
    public static int maxPositions(ModelConfig config) {
        return config.maxPositionEmbeddings() - 2 * (config.numKvHeads() - 1);
    }

    @Override
    public RunnerInfo info() {
        return info;
    }

    /**
     * Jlama keeps a cache per sequence that grows as it is used, so nothing is allocated here:
     * the answer is how many blocks' worth of positions fit in {@code memoryBytes} at float32, or
     * when no budget is given, as many as the engine could ever ask for.
     */
    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        if (memoryBytes <= 0) {
            return Integer.MAX_VALUE / 2;
        }
        Config c = model.getConfig();
        long perBlock = PagedKvCache.bytesPerBlock(c.numberOfLayers, c.numberOfKeyValueHeads, c.headSize, blockSize);
        return (int) Math.min(Integer.MAX_VALUE / 2, memoryBytes / perBlock);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        checkOpen();
        for (SequenceSlice slice : batch) {
            slice.requireTokensBelow(info.vocabularySize());
            slice.requirePositionsWithin(info.maxPositions());
            checkCached(slice);
        }
        for (int i = 0; i < batch.size(); i++) {
            feed(i, batch.get(i), logits);
        }
    }

    private void checkCached(SequenceSlice slice) {
        SequenceCache cache = sequences.get(slice.sequenceId());
        int cached = cache == null ? 0 : cache.length;
        if (slice.startPosition() > cached) {
            throw new IllegalArgumentException("sequence " + slice.sequenceId() + " starts at position "
                    + slice.startPosition() + " but only " + cached + " positions are in its KV cache");
        }
    }

    /**
     * Runs the slice's tokens one by one through the layers, handing over the logits of every
     * position from {@code logitsFrom} on.
     */
    private void feed(int index, SequenceSlice slice, LogitsSink logits) {
        SequenceCache cache = sequences.computeIfAbsent(slice.sequenceId(),
                id -> new SequenceCache(kvBuffers.getEphemeralKvBuffer()));
        int[] tokens = slice.tokenIds();
        for (int i = 0; i < tokens.length; i++) {
            int position = slice.startPosition() + i;
            AbstractTensor<?, ?> hidden = model.forward(tokens[i], position, cache.kv, Optional.empty());
            try {
                cache.length = position + 1;
                if (position >= slice.logitsFrom()) {
                    writeLogits(hidden, logitRow);
                    logits.accept(index, position, logitRow);
                }
            } finally {
                hidden.close();
            }
        }
    }

    /**
     * Final norm and lm_head. At temperature 0 Jlama's {@code sample} leaves the raw logits in the
     * scratch tensor and returns the argmax, which is ignored ({@code getLogits} would softmax them).
     */
    private void writeLogits(AbstractTensor<?, ?> hidden, float[] row) {
        model.sample(hidden, 0f, 0f, logitsScratch);
        MemorySegment.copy(logitsScratch.getMemorySegment(), LITTLE_ENDIAN_FLOAT, 0, row, 0, row.length);
    }

    @Override
    public void release(long sequenceId) {
        SequenceCache cache = sequences.remove(sequenceId);
        if (cache != null) {
            cache.kv.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the cpu/jlama runner is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sequences.values().forEach(cache -> cache.kv.close());
        sequences.clear();
        logitsScratch.close();
        model.close();
        try {
            model.getWeights().close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the weights of the model", e);
        }
    }

    /** One sequence's Jlama KV cache and how many positions of it are filled. */
    private static final class SequenceCache {
        final KvBufferCache.KvBuffer kv;
        int length;

        SequenceCache(KvBufferCache.KvBuffer kv) {
            this.kv = kv;
        }
    }
}
