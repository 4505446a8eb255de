package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vela.adapters.gpu.tp.ElementType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Vela's kernels (src/main/cuda, committed as a fatbin and PTX) as Java sees them: every entry
 * point with its parameter list ({@link Spec}), and, per device, the loaded module and a launcher
 * that checks each call's arguments against the spec. A test checks the specs against the
 * {@code .param} lists of the committed PTX, so a signature change on either side fails without a GPU.
 */
public final class Kernels implements AutoCloseable {

    /** How a kernel parameter travels: a device pointer ({@code .u64}), an int ({@code .u32}) or a float ({@code .f32}). */
    public enum Param {
        POINTER("u64"), INT("u32"), FLOAT("f32");

        private final String ptxType;

        Param(String ptxType) {
            this.ptxType = ptxType;
        }

        /** The PTX type nvcc gives such a parameter. */
        public String ptxType() {
            return ptxType;
        }
    }

    /**
     * One kernel: its name, whether it exists per 16-bit type ({@code name_bf16}, {@code name_f16}),
     * and its parameters in order.
     */
    public record Spec(String name, boolean perType, List<Param> params) {

        /** The PTX entry points of this kernel. */
        public List<String> entryNames() {
            return perType ? List.of(name + "_bf16", name + "_f16") : List.of(name);
        }

        String entryName(ElementType type) {
            if (!perType) {
                return name;
            }
            return switch (type) {
                case BF16 -> name + "_bf16";
                case F16 -> name + "_f16";
                default -> throw new IllegalArgumentException(name + " has no " + type + " variant");
            };
        }
    }

    private static final Param P = Param.POINTER;
    private static final Param I = Param.INT;
    private static final Param F = Param.FLOAT;

    public static final Spec ADD_RMSNORM = typed("add_rmsnorm", P, P, P, P, I, I, F, I);
    public static final Spec QKV_BIAS_ROPE_CACHE = typed("qkv_bias_rope_cache", P, P, P, P, P, P, P, I, I, I, I);
    public static final Spec SILU_MUL = typed("silu_mul", P, P, I, I);
    public static final Spec GATHER_ROWS = typed("gather_rows", P, P, P, I, I);
    public static final Spec ATTENTION_PARTIAL = typed("attention_partial", P, P, P, P, P, P, P,
            I, I, I, I, I, I, I, I, I, I, I, F);
    public static final Spec ATTENTION_COMBINE = typed("attention_combine", P, P, I, I, I, I);
    public static final Spec ALLREDUCE_SUM = typed("allreduce_sum", P, I, I);
    public static final Spec FILL_HASH = typed("fill_hash", P, I, I, I, I, I, I, I, I, F, F);
    public static final Spec CONVERT_F32_TO_BF16 = convert("convert_f32_to_bf16");
    public static final Spec CONVERT_F32_TO_F16 = convert("convert_f32_to_f16");
    public static final Spec CONVERT_BF16_TO_F16 = convert("convert_bf16_to_f16");
    public static final Spec CONVERT_F16_TO_BF16 = convert("convert_f16_to_bf16");

    /** Every kernel Java launches. */
    public static final List<Spec> ALL = List.of(ADD_RMSNORM, QKV_BIAS_ROPE_CACHE, SILU_MUL, GATHER_ROWS,
            ATTENTION_PARTIAL, ATTENTION_COMBINE, ALLREDUCE_SUM, FILL_HASH, CONVERT_F32_TO_BF16, CONVERT_F32_TO_F16,
            CONVERT_BF16_TO_F16, CONVERT_F16_TO_BF16);

    /** Where the build puts the artefacts, as class-path resources. */
    public static final String RESOURCES = "/dev/vela/adapters/gpu/cuda/";
    public static final String FATBIN = RESOURCES + "vela_kernels.fatbin";
    public static final String PTX = RESOURCES + "vela_kernels.ptx";
    /** The most parameters a Vela kernel takes. */
    private static final int MAX_PARAMS = 32;

    private static Spec typed(String name, Param... params) {
        return new Spec(name, true, List.of(params));
    }

    private static Spec convert(String name) {
        return new Spec(name, false, List.of(P, P, I, I, I));
    }

    /** The images the loader tries, in order: the fatbin's machine code, then the PTX alone for the driver to JIT. */
    static final List<String> IMAGES = List.of(FATBIN, PTX);

    private final CudaDriver driver;
    private final MemorySegment module;
    private final String image;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment values;
    private final MemorySegment pointers;

    /** Loads the module on the current device; call on its {@link DeviceThread}. */
    Kernels(CudaDriver driver) {
        this.driver = driver;
        Loaded loaded = loadFirst(IMAGES, bytes -> driver.loadModule(bytes));
        this.module = loaded.module();
        this.image = loaded.image();
        for (Spec spec : ALL) {
            for (String entry : spec.entryNames()) {
                functions.put(entry, driver.function(module, entry));
            }
        }
        this.values = arena.allocate(8L * MAX_PARAMS, 8);
        this.pointers = arena.allocate(ADDRESS, MAX_PARAMS);
        for (int i = 0; i < MAX_PARAMS; i++) {
            pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    /** A loaded module and the image it came from. */
    record Loaded(MemorySegment module, String image) {
    }

    /**
     * Loads the first of {@code images} the driver accepts: a driver that cannot use the fatbin's
     * sm_80/sm_90 code (built by a newer ptxas than it knows) may still JIT the PTX. Fails with
     * every image's error when none loads.
     */
    static Loaded loadFirst(List<String> images, Function<byte[], MemorySegment> load) {
        List<String> errors = new ArrayList<>();
        for (String image : images) {
            try {
                return new Loaded(load.apply(resource(image)), image.substring(image.lastIndexOf('/') + 1));
            } catch (CudaException e) {
                errors.add(image.substring(image.lastIndexOf('/') + 1) + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("the driver loaded none of Vela's kernel images: " + String.join("; ", errors));
    }

    /** Which image the driver took: {@code vela_kernels.fatbin} or {@code vela_kernels.ptx}. */
    public String image() {
        return image;
    }

    /** The bytes of a class-path resource of this module. */
    public static byte[] resource(String name) {
        try (InputStream in = Kernels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing kernel artefact " + name + " (rebuild adapters-gpu)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Launches {@code spec} (its {@code type} variant) on {@code stream}: arguments are {@code Long}
     * device pointers, {@code Integer}s and {@code Float}s in the order of the spec.
     */
    void launch(Spec spec, ElementType type, Grid grid, int block, int sharedBytes, MemorySegment stream,
                Object... arguments) {
        List<Param> params = spec.params();
        if (arguments.length != params.size()) {
            throw new IllegalArgumentException(spec.name() + " takes " + params.size() + " arguments, not " + arguments.length);
        }
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            switch (params.get(i)) {
                case POINTER -> values.set(JAVA_LONG, 8L * i, (Long) argument);
                case INT -> values.set(JAVA_INT, 8L * i, (Integer) argument);
                case FLOAT -> values.set(JAVA_FLOAT, 8L * i, (Float) argument);
            }
        }
        if (grid.empty()) {
            return;
        }
        String entry = spec.entryName(type);
        driver.launch(entry, functions.get(entry), grid.x(), grid.y(), grid.z(), block, 1, 1, sharedBytes, stream, pointers);
    }

    @Override
    public void close() {
        driver.unloadModule(module);
        arena.close();
    }
}
