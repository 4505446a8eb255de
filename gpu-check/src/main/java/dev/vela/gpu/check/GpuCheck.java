package dev.vela.gpu.check;

import dev.vela.adapters.gpu.Cuda;
import dev.vela.adapters.gpu.CudaModelRunner;
import dev.vela.adapters.gpu.GpuSettings;
import dev.vela.adapters.gpu.cuda.Cublas;
import dev.vela.adapters.gpu.cuda.CudaBackend;
import dev.vela.adapters.gpu.cuda.CudaDriver;
import dev.vela.adapters.gpu.cuda.DeviceThread;
import dev.vela.adapters.gpu.cuda.NativeLibraries;
import dev.vela.adapters.gpu.cuda.Nccl;
import dev.vela.adapters.gpu.cuda.NcclCollective;
import dev.vela.adapters.gpu.cuda.SameDeviceCollective;
import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.CpuCollective;
import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Tensor;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The staged GPU check ({@code scripts/gpu-check.sh} runs each stage in its own JVM, with its own
 * timeout): 0 environment and library paths, 1 every kernel against the CPU reference, 2 tiny-model
 * parity of the GPU at tp=1 and tp=2/4 logical against the CPU, 3 an NCCL smoke test, 4 prefill and
 * decode speed at Qwen2.5-1.5B and 7B dimensions; {@code summary} prints the table. Every result
 * goes to {@code results.json} in the output directory as soon as it is measured. Without a GPU,
 * stage 0 reports why and stages 1 to 4 are recorded as skipped: nothing here pretends to have run.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp … dev.vela.gpu.check.GpuCheck --stage 1 --out DIR</pre>
 */
public final class GpuCheck {

    static final String[] STAGES = {"environment", "kernels", "tiny-model parity", "nccl smoke", "throughput"};

    private final Results results;
    private final Path out;
    private final boolean with32b;

    GpuCheck(Path out, boolean with32b) {
        this.out = out;
        this.results = Results.in(out);
        this.with32b = with32b;
    }

    public static void main(String[] args) {
        String stage = null;
        Path out = Path.of(System.getenv().getOrDefault("OUT", "gpu-check-out"));
        boolean with32b = false;
        String timedOut = null;
        String crashed = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stage" -> stage = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--with-32b" -> with32b = true;
                case "--timed-out" -> timedOut = args[++i];
                case "--crashed" -> crashed = args[++i];
                default -> usage();
            }
        }
        if (stage == null) {
            usage();
        }
        GpuCheck check = new GpuCheck(out, with32b);
        if (timedOut != null || crashed != null) {
            int number = Integer.parseInt(stage);
            check.results.fail(number, STAGES[number], timedOut != null
                    ? "killed after its " + timedOut + " s limit; the results above are what it measured"
                    : "the JVM exited with status " + crashed + "; see stage" + number + ".log");
            return;
        }
        System.exit(check.run(stage));
    }

    private static void usage() {
        System.err.println("usage: GpuCheck --stage 0|1|2|3|4|summary [--out DIR] [--with-32b] [--timed-out SECONDS | --crashed STATUS]");
        System.exit(2);
    }

    /** Runs one stage; returns the process exit code (1 when the summary holds a failure). */
    int run(String stage) {
        if (stage.equals("summary")) {
            return summary();
        }
        int number = Integer.parseInt(stage);
        System.out.println("== stage " + number + ": " + STAGES[number]);
        Cuda.Probe probe = Cuda.probe();
        if (number == 0) {
            environment(probe);
            return 0;
        }
        if (!probe.available()) {
            results.skip(number, STAGES[number], "SKIPPED, no GPU: " + probe.reason());
            System.out.println("SKIPPED stage " + number + " (" + STAGES[number] + "): no GPU: " + probe.reason());
            return 0;
        }
        try {
            switch (number) {
                case 1 -> kernels();
                case 2 -> parity();
                case 3 -> ncclSmoke();
                case 4 -> throughput();
                default -> throw new IllegalArgumentException("no stage " + number);
            }
        } catch (Exception | LinkageError e) {
            results.fail(number, STAGES[number], e.toString());
            e.printStackTrace(System.out);
        }
        return 0;
    }

    private void environment(Cuda.Probe probe) {
        results.info(0, "java", Runtime.version().feature(), "", System.getProperty("java.vm.name") + " "
                + Runtime.version() + " on " + System.getProperty("os.arch"));
        results.info(0, "CUDA_VISIBLE_DEVICES", Double.NaN, "", probe.cudaVisibleDevices());
        results.info(0, "site-packages", Double.NaN, "", NativeLibraries.sitePackages().toString());
        if (!probe.available()) {
            results.add(0, "gpu", Results.Status.INFO, Double.NaN, "", "", "no GPU: " + probe.reason());
            System.out.println("No GPU here: stages 1 to 4 will be SKIPPED. Reason: " + probe.reason());
            return;
        }
        results.info(0, "driver", probe.driverVersion(), "", "libcuda " + probe.libcuda());
        for (Cuda.Device device : probe.devices()) {
            results.info(0, "device " + device.ordinal(), device.totalMemory() / 1048576.0, "MiB", device.toString());
        }
        try {
            Cublas cublas = Cublas.get();
            results.info(0, "cublas", Double.NaN, "", cublas.version() + " from " + cublas.path());
        } catch (NativeLibraries.NotFound | RuntimeException | LinkageError e) {
            results.fail(0, "cublas", e.getMessage());
        }
        try {
            Nccl nccl = Nccl.get();
            results.info(0, "nccl", nccl.version(), "", Nccl.versionName(nccl.version()) + " from " + nccl.path());
        } catch (NativeLibraries.NotFound | RuntimeException | LinkageError e) {
            results.fail(0, "nccl", e.getMessage());
        }
    }

    /** Every kernel, in bfloat16 and in float16, against the CPU reference rounding to the same type. */
    private void kernels() throws NativeLibraries.NotFound {
        CudaDriver driver = CudaDriver.get();
        Cublas cublas = Cublas.get();
        long seed = System.nanoTime();
        try (DeviceThread thread = DeviceThread.start(driver, 0)) {
            for (ElementType type : new ElementType[] {ElementType.BF16, ElementType.F16}) {
                CudaBackend device = CudaBackend.open(thread, cublas, type, 0.9);
                results.info(1, "kernel image " + type, Double.NaN, "", device.kernelImage()
                        + " (the fatbin's machine code, or its PTX compiled by the driver)");
                try {
                    thread.call(() -> {
                        SameDeviceCollective sameDevice = new SameDeviceCollective(device);
                        try (CpuBackend reference = new CpuBackend(type, Long.MAX_VALUE)) {
                            Collective referenceSum = CpuCollective.forWorkers(4, 1).getFirst();
                            new KernelCheck(device, sameDevice, reference, referenceSum, device::timeMillis, results, seed)
                                    .runAll();
                        } finally {
                            sameDevice.close();
                        }
                        return null;
                    });
                } finally {
                    device.close();
                }
            }
        }
    }

    /** The tiny model at tp=1 and tp=2/4 on logical ranks of GPU 0, bfloat16, against the CPU in fp32. */
    private void parity() {
        ModelConfig model = ParityCheck.TINY;
        HashWeightSource weights = new HashWeightSource(model, 2024);
        GpuSettings settings = GpuSettings.defaults().withLogicalRanks(true).withDtype("bfloat16")
                .withMaxNumBatchedTokens(256).withGpuMemoryUtilization(0.5);
        Map<String, Supplier<ModelRunner>> candidates = new LinkedHashMap<>();
        for (int tp : new int[] {1, 2, 4}) {
            candidates.put("gpu bf16 tp" + tp + (tp > 1 ? "-logical" : ""),
                    () -> CudaModelRunner.load(model, weights, settings.withTensorParallelSize(tp)));
        }
        candidates.put("cpu bf16-rounding tp1 (calibration)",
                () -> CpuReferenceRunner.open(model, weights, 1, ElementType.BF16, 256L << 20, false));
        new ParityCheck(results).run(
                () -> CpuReferenceRunner.open(model, weights, 1, ElementType.F32, 256L << 20, false),
                candidates, 11);
    }

    /** NCCL with one rank on GPU 0: its ABI and library paths work (several GPUs cannot be tested on one). */
    private void ncclSmoke() throws NativeLibraries.NotFound {
        Nccl nccl = Nccl.get();
        results.info(3, "nccl version", nccl.version(), "", nccl.path());
        CudaDriver driver = CudaDriver.get();
        try (DeviceThread thread = DeviceThread.start(driver, 0)) {
            CudaBackend backend = CudaBackend.open(thread, Cublas.get(), ElementType.BF16, 0.9);
            List<Collective> collectives = NcclCollective.across(nccl, List.of(backend));
            try {
                thread.call(() -> {
                    int n = 4096;
                    float[] values = new float[n];
                    SplittableRandom random = new SplittableRandom(3);
                    for (int i = 0; i < n; i++) {
                        values[i] = (float) random.nextGaussian();
                    }
                    Tensor buffer = backend.allocate(ElementType.BF16, n);
                    backend.upload(values, buffer);
                    collectives.getFirst().allReduceSum(List.of(buffer), n);
                    backend.synchronize();
                    float[] back = new float[n];
                    backend.download(buffer, 0, back, 0, n);
                    int differing = 0;
                    for (int i = 0; i < n; i++) {
                        if (back[i] != ElementType.BF16.round(values[i])) {
                            differing++;
                        }
                    }
                    results.add(3, "ncclCommInitAll(1) + ncclAllReduce bf16 x 4096", differing == 0 ? Results.Status.PASS
                            : Results.Status.FAIL, differing, "differ", "== 0", "a sum over one rank is the input");
                    collectives.getFirst().check();
                    results.add(3, "ncclCommGetAsyncError", Results.Status.PASS, 0, "", "", "no asynchronous error");
                    collectives.getFirst().abort();
                    results.add(3, "ncclCommAbort", Results.Status.PASS, 0, "", "",
                            "the communicator aborted; closing it must not destroy it again");
                    backend.free(buffer);
                    return null;
                });
            } finally {
                collectives.forEach(Collective::close);
                backend.close();
            }
        }
    }

    /** Qwen2.5-1.5B at tp=1 and tp=4 logical, Qwen2.5-7B at tp=1 (and the 32B at tp=4 logical when asked). */
    private void throughput() {
        ThroughputCheck check = new ThroughputCheck(results);
        GpuSettings settings = GpuSettings.defaults().withDtype("bfloat16").withLogicalRanks(true)
                .withMaxNumBatchedTokens(2048).withMaxModelLen(4096);
        long kvBytes = 4L << 30;
        check.run("1.5B tp1", ThroughputCheck.QWEN2_5_1_5B, () -> CudaModelRunner.load(ThroughputCheck.QWEN2_5_1_5B,
                new HashWeightSource(ThroughputCheck.QWEN2_5_1_5B, 1), settings), ThroughputCheck.FULL, kvBytes);
        check.run("1.5B tp4-logical", ThroughputCheck.QWEN2_5_1_5B, () -> CudaModelRunner.load(ThroughputCheck.QWEN2_5_1_5B,
                new HashWeightSource(ThroughputCheck.QWEN2_5_1_5B, 1), settings.withTensorParallelSize(4)),
                ThroughputCheck.FULL, kvBytes);
        check.run("7B tp1", ThroughputCheck.QWEN2_5_7B, () -> CudaModelRunner.load(ThroughputCheck.QWEN2_5_7B,
                new HashWeightSource(ThroughputCheck.QWEN2_5_7B, 1), settings), ThroughputCheck.FULL, kvBytes);
        if (with32b) {
            check.run("32B tp4-logical", ThroughputCheck.QWEN2_5_32B, () -> CudaModelRunner.load(ThroughputCheck.QWEN2_5_32B,
                    new HashWeightSource(ThroughputCheck.QWEN2_5_32B, 1), settings.withTensorParallelSize(4)),
                    new ThroughputCheck.Plan(512, 32, 4, new int[] {128}, 1), kvBytes);
        }
    }

    /** The table of every result so far; exit code 1 if any failed. */
    private int summary() {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-5s %-6s %-62s %12s %-8s %s%n", "stage", "status", "check", "value",
                "unit", "detail"));
        for (Results.Result r : results.all()) {
            if (r.status() == Results.Status.INFO && r.stage() == 0) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "%-5d %-6s %-62s %12s %-8s %s%n", r.stage(), r.status(),
                    abbreviate(r.name(), 62), Double.isFinite(r.value()) ? String.format(Locale.ROOT, "%.4g", r.value()) : "-",
                    r.unit(), abbreviate((r.limit().isEmpty() ? "" : r.limit() + "; ") + r.detail(), 90)));
        }
        long skipped = results.count(Results.Status.SKIP);
        table.append(String.format(Locale.ROOT, "%d passed, %d failed, %d skipped, %d measurements%n",
                results.count(Results.Status.PASS), results.count(Results.Status.FAIL), skipped,
                results.count(Results.Status.INFO)));
        if (skipped > 0 && results.count(Results.Status.PASS) == 0) {
            table.append("NOTHING RAN ON A GPU: every GPU stage was skipped.\n");
        }
        System.out.print(table);
        try {
            Files.writeString(out.resolve("summary.txt"), table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results.count(Results.Status.FAIL) > 0 ? 1 : 0;
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
