package dev.vela.adapters.cpu;

import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.WeightTensor;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, plain-Java float64 forward pass of a Qwen2 decoder, written from the Hugging
 * Face definition (modeling_qwen2.py) to check the CPU runner against. It reads
 * {@code config.json} and {@code model.safetensors} itself; weights are kept as float (exact for
 * float32 and bfloat16 files) and all arithmetic is in double.
 */
final class ReferenceQwen2 {

    private final int hidden;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int intermediate;
    private final int vocab;
    private final double ropeTheta;
    private final double rmsNormEps;
    private final float[] embedTokens;
    private final float[] lmHead;
    private final float[] finalNorm;
    private final Layer[] layers;

    private record Layer(float[] inputNorm, float[] qWeight, float[] qBias, float[] kWeight, float[] kBias,
                         float[] vWeight, float[] vBias, float[] oWeight, float[] postAttentionNorm,
                         float[] gateWeight, float[] upWeight, float[] downWeight) {
    }

    private ReferenceQwen2(JsonObject config, Map<String, float[]> weights) {
        hidden = config.getInt("hidden_size");
        heads = config.getInt("num_attention_heads");
        kvHeads = config.getInt("num_key_value_heads");
        headDim = hidden / heads;
        intermediate = config.getInt("intermediate_size");
        vocab = config.getInt("vocab_size");
        ropeTheta = config.getJsonNumber("rope_theta").doubleValue();
        rmsNormEps = config.getJsonNumber("rms_norm_eps").doubleValue();
        embedTokens = weights.get("model.embed_tokens.weight");
        lmHead = weights.getOrDefault("lm_head.weight", embedTokens);
        finalNorm = weights.get("model.norm.weight");
        layers = new Layer[config.getInt("num_hidden_layers")];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(weights.get(p + "input_layernorm.weight"),
                    weights.get(p + "self_attn.q_proj.weight"), weights.get(p + "self_attn.q_proj.bias"),
                    weights.get(p + "self_attn.k_proj.weight"), weights.get(p + "self_attn.k_proj.bias"),
                    weights.get(p + "self_attn.v_proj.weight"), weights.get(p + "self_attn.v_proj.bias"),
                    weights.get(p + "self_attn.o_proj.weight"), weights.get(p + "post_attention_layernorm.weight"),
                    weights.get(p + "mlp.gate_proj.weight"), weights.get(p + "mlp.up_proj.weight"),
                    weights.get(p + "mlp.down_proj.weight"));
        }
    }

    static ReferenceQwen2 load(Path modelDirectory) {
        return load(modelDirectory, Quantization.NONE);
    }

    /**
     * The model with the weights the CPU runner serves at {@code quantization}: each layer's
     * matrices quantized to it and the lm_head (the embedding, when tied) to Q8_0, then
     * dequantized; the embedding rows a token reads stay as stored.
     */
    static ReferenceQwen2 load(Path modelDirectory, Quantization quantization) {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(modelDirectory.resolve("config.json")))) {
            JsonObject config = reader.readObject();
            Map<String, float[]> weights = readSafetensors(modelDirectory.resolve("model.safetensors"));
            if (config.getBoolean("tie_word_embeddings")) {
                weights.remove("lm_head.weight");
            }
            if (quantization != Quantization.NONE) {
                int hidden = config.getInt("hidden_size");
                for (Map.Entry<String, float[]> weight : weights.entrySet()) {
                    if (weight.getKey().endsWith("_proj.weight")) {
                        int cols = weight.getKey().endsWith("down_proj.weight") ? config.getInt("intermediate_size") : hidden;
                        weight.setValue(dequantized(weight.getValue(), cols, quantization.packedType(WeightTensor.Type.F32)));
                    }
                }
                float[] output = weights.getOrDefault("lm_head.weight", weights.get("model.embed_tokens.weight"));
                weights.put("lm_head.weight", dequantized(output, hidden, WeightTensor.Type.Q8_0));
            }
            return new ReferenceQwen2(config, weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code matrix} (rows of {@code cols}) quantized to {@code type} blocks as llama.cpp rounds, then dequantized. */
    private static float[] dequantized(float[] matrix, int cols, WeightTensor.Type type) {
        float[] out = new float[matrix.length];
        MemorySegment block = MemorySegment.ofArray(new byte[type.blockBytes()]);
        for (int at = 0; at < matrix.length; at += WeightTensor.BLOCK) {
            WeightTensor.quantizeBlock(type, matrix, at, block, 0);
            for (int j = 0; j < WeightTensor.BLOCK; j++) {
                out[at + j] = WeightTensor.dequantizeBlocks(type, block, j);
            }
        }
        if (cols % WeightTensor.BLOCK != 0) {
            throw new IllegalArgumentException("rows of " + cols + " are not whole blocks");
        }
        return out;
    }

    /** Safetensors: 8-byte little-endian header length, JSON header, raw little-endian data. */
    private static Map<String, float[]> readSafetensors(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = Math.toIntExact(data.getLong(0));
            byte[] headerBytes = new byte[headerLength];
            data.get(8, headerBytes);
            JsonObject header;
            try (JsonReader reader = Json.createReader(new StringReader(new String(headerBytes, StandardCharsets.UTF_8)))) {
                header = reader.readObject();
            }
            int dataStart = 8 + headerLength;
            Map<String, float[]> tensors = new HashMap<>();
            for (String name : header.keySet()) {
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonObject info = header.getJsonObject(name);
                JsonArray offsets = info.getJsonArray("data_offsets");
                int begin = dataStart + offsets.getJsonNumber(0).intValueExact();
                int end = dataStart + offsets.getJsonNumber(1).intValueExact();
                tensors.put(name, switch (info.getString("dtype")) {
                    case "F32" -> {
                        float[] values = new float[(end - begin) / 4];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = data.getFloat(begin + 4 * i);
                        }
                        yield values;
                    }
                    case "BF16" -> {
                        float[] values = new float[(end - begin) / 2];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = Float.intBitsToFloat((data.getShort(begin + 2 * i) & 0xFFFF) << 16);
                        }
                        yield values;
                    }
                    default -> throw new IllegalArgumentException("unsupported dtype in " + name);
                });
            }
            return tensors;
        }
    }

    /** A sequence being decoded: its KV cache, one growing list of key and value rows per layer. */
    final class Session {
        private final List<List<double[]>> keys = new ArrayList<>();
        private final List<List<double[]>> values = new ArrayList<>();

        Session() {
            for (int i = 0; i < layers.length; i++) {
                keys.add(new ArrayList<>());
                values.add(new ArrayList<>());
            }
        }

        /** Feeds the next token and returns the raw logits after it. */
        double[] next(int token) {
            int position = keys.getFirst().size();
            double[] x = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                x[i] = embedTokens[token * hidden + i];
            }
            for (int l = 0; l < layers.length; l++) {
                Layer layer = layers[l];
                double[] attention = attention(layer, rmsNorm(x, layer.inputNorm()), position, keys.get(l), values.get(l));
                add(x, matVec(layer.oWeight(), attention, hidden));
                add(x, mlp(layer, rmsNorm(x, layer.postAttentionNorm())));
            }
            return matVec(lmHead, rmsNorm(x, finalNorm), vocab);
        }

        /** Greedy decoding: feeds the prompt, then {@code steps} times the argmax; returns the logits after each. */
        List<double[]> greedy(int[] prompt, int steps) {
            double[] logits = null;
            for (int token : prompt) {
                logits = next(token);
            }
            List<double[]> rows = new ArrayList<>();
            rows.add(logits);
            for (int s = 0; s < steps; s++) {
                logits = next(argmax(logits));
                rows.add(logits);
            }
            return rows;
        }
    }

    private double[] attention(Layer layer, double[] x, int position, List<double[]> keyCache, List<double[]> valueCache) {
        double[] q = linear(layer.qWeight(), layer.qBias(), x, heads * headDim);
        double[] k = linear(layer.kWeight(), layer.kBias(), x, kvHeads * headDim);
        double[] v = linear(layer.vWeight(), layer.vBias(), x, kvHeads * headDim);
        rope(q, heads, position);
        rope(k, kvHeads, position);
        keyCache.add(k);
        valueCache.add(v);
        double[] out = new double[heads * headDim];
        double scale = 1.0 / Math.sqrt(headDim);
        int group = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int kvOffset = (h / group) * headDim;
            int qOffset = h * headDim;
            double[] scores = new double[keyCache.size()];
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < scores.length; t++) {
                double dot = 0;
                for (int d = 0; d < headDim; d++) {
                    dot += q[qOffset + d] * keyCache.get(t)[kvOffset + d];
                }
                scores[t] = dot * scale;
                max = Math.max(max, scores[t]);
            }
            double sum = 0;
            for (int t = 0; t < scores.length; t++) {
                scores[t] = Math.exp(scores[t] - max);
                sum += scores[t];
            }
            for (int t = 0; t < scores.length; t++) {
                double weight = scores[t] / sum;
                for (int d = 0; d < headDim; d++) {
                    out[qOffset + d] += weight * valueCache.get(t)[kvOffset + d];
                }
            }
        }
        return out;
    }

    /** Rotary embedding, Hugging Face (neox) layout: dimension i is paired with i + headDim/2. */
    private void rope(double[] vectors, int count, int position) {
        int half = headDim / 2;
        for (int h = 0; h < count; h++) {
            int offset = h * headDim;
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(ropeTheta, -2.0 * i / headDim);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double a = vectors[offset + i];
                double b = vectors[offset + i + half];
                vectors[offset + i] = a * cos - b * sin;
                vectors[offset + i + half] = a * sin + b * cos;
            }
        }
    }

    private double[] mlp(Layer layer, double[] x) {
        double[] gate = matVec(layer.gateWeight(), x, intermediate);
        double[] up = matVec(layer.upWeight(), x, intermediate);
        double[] product = new double[intermediate];
        for (int i = 0; i < intermediate; i++) {
            double silu = gate[i] / (1.0 + Math.exp(-gate[i]));
            product[i] = silu * up[i];
        }
        return matVec(layer.downWeight(), product, hidden);
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double squares = 0;
        for (double v : x) {
            squares += v * v;
        }
        double scale = 1.0 / Math.sqrt(squares / x.length + rmsNormEps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static double[] linear(float[] weight, float[] bias, double[] x, int rows) {
        double[] out = matVec(weight, x, rows);
        for (int i = 0; i < rows; i++) {
            out[i] += bias[i];
        }
        return out;
    }

    /** {@code weight} is row-major {@code [rows, x.length]}, as PyTorch's Linear stores it. */
    private static double[] matVec(float[] weight, double[] x, int rows) {
        int columns = x.length;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int base = r * columns;
            for (int c = 0; c < columns; c++) {
                sum += weight[base + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static void add(double[] x, double[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
