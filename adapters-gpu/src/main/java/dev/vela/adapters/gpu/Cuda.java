package dev.vela.adapters.gpu;

import dev.vela.adapters.gpu.cuda.CudaDriver;
import dev.vela.adapters.gpu.cuda.CudaException;
import dev.vela.adapters.gpu.cuda.NativeLibraries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this machine can run the GPU adapter, asked once: {@code libcuda.so.1} opens,
 * {@code cuInit} succeeds, the driver is new enough for the committed PTX (CUDA 12.2, driver 535),
 * and at least one device of compute capability 8.0 or later (bf16) is visible. A machine without a
 * GPU gets an unavailable answer with one line saying why, never an exception.
 */
public final class Cuda {

    /** CUDA 12.2: the oldest driver that JIT-compiles the committed kernels' PTX ISA 8.2. */
    public static final int REQUIRED_DRIVER = 12020;

    private static volatile Probe probe;

    private Cuda() {
    }

    /** One visible device. */
    public record Device(int ordinal, String name, long totalMemory, int computeMajor, int computeMinor,
                         int multiprocessors) {

        @Override
        public String toString() {
            return ordinal + ": " + name + ", " + (totalMemory >> 20) + " MiB, compute " + computeMajor + "."
                    + computeMinor + ", " + multiprocessors + " SMs";
        }
    }

    /**
     * What the probe found.
     *
     * @param reason  why the GPU adapter cannot run here, empty when it can
     * @param libcuda where the driver library was loaded from, empty if it was not
     */
    public record Probe(boolean available, String reason, String libcuda, int driverVersion, List<Device> devices,
                        String cudaVisibleDevices) {

        public Probe {
            devices = List.copyOf(devices);
        }

        /** One line for start-up logs. */
        public String summary() {
            if (!available) {
                return "no GPU: " + reason;
            }
            return devices.size() + " CUDA device(s), driver " + versionName(driverVersion) + " (" + libcuda + "): "
                    + devices;
        }
    }

    /** A CUDA version code as people write it: 12020 is {@code 12.2}. */
    public static String versionName(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }

    /** The result of probing this machine (computed once per JVM). */
    public static Probe probe() {
        Probe result = probe;
        if (result == null) {
            synchronized (Cuda.class) {
                if (probe == null) {
                    probe = probeOnOwnThread();
                }
                result = probe;
            }
        }
        return result;
    }

    /** For JUnit's {@code @EnabledIf("dev.vela.adapters.gpu.Cuda#available")}. */
    public static boolean available() {
        return probe().available();
    }

    /** The driver calls run on a platform thread of their own, never on the caller's (possibly virtual) thread. */
    private static Probe probeOnOwnThread() {
        AtomicReference<Probe> result = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("cuda-probe").start(() -> result.set(probeHere()));
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted while probing for a GPU", "", 0);
        }
        return result.get() != null ? result.get() : unavailable("the probe failed (see the log)", "", 0);
    }

    private static Probe probeHere() {
        CudaDriver driver;
        try {
            driver = CudaDriver.get();
        } catch (NativeLibraries.NotFound e) {
            return unavailable(e.getMessage(), "", 0);
        } catch (CudaException e) {
            return unavailable(e.getMessage(), "", 0);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return unavailable("libcuda.so.1 could not be used: " + e.getMessage(), "", 0);
        }
        try {
            int version = driver.driverVersion();
            if (version < REQUIRED_DRIVER) {
                return unavailable("the driver supports CUDA " + versionName(version) + "; Vela's kernels need CUDA "
                        + versionName(REQUIRED_DRIVER) + " (driver 535 or later)", driver.path(), version);
            }
            List<Device> devices = new ArrayList<>();
            for (int ordinal = 0; ordinal < driver.deviceCount(); ordinal++) {
                int device = driver.device(ordinal);
                devices.add(new Device(ordinal, driver.deviceName(device), driver.totalMemory(device),
                        driver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                        driver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
                        driver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device)));
            }
            if (devices.isEmpty()) {
                return unavailable("the driver sees no device (CUDA_VISIBLE_DEVICES=" + visibleDevices() + ")",
                        driver.path(), version);
            }
            if (devices.stream().anyMatch(d -> d.computeMajor() < 8)) {
                return new Probe(false, "bfloat16 kernels need compute capability 8.0 or later: " + devices,
                        driver.path(), version, devices, visibleDevices());
            }
            return new Probe(true, "", driver.path(), version, devices, visibleDevices());
        } catch (CudaException e) {
            return unavailable(e.getMessage(), driver.path(), 0);
        }
    }

    private static Probe unavailable(String reason, String libcuda, int version) {
        return new Probe(false, reason, libcuda, version, List.of(), visibleDevices());
    }

    private static String visibleDevices() {
        String value = System.getenv("CUDA_VISIBLE_DEVICES");
        return value == null ? "(unset)" : value;
    }
}
