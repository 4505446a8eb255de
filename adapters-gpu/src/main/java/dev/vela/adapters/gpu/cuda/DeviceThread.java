package dev.vela.adapters.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one platform thread that talks to one CUDA device. The current CUDA context belongs to an OS
 * thread, and request handlers run on virtual threads that may change carrier, so every driver,
 * cuBLAS and NCCL call for a device runs here: the thread makes the device's primary context
 * current once, then runs the tasks it is given in order. Others reach it through
 * {@link #execute} and {@link #call}.
 */
public final class DeviceThread implements Executor, AutoCloseable {

    private static final ThreadLocal<DeviceThread> CURRENT = new ThreadLocal<>();
    private static final Runnable STOP = () -> { };

    private final CudaDriver driver;
    private final int ordinal;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private int device;
    private MemorySegment context;

    private DeviceThread(CudaDriver driver, int ordinal) {
        this.driver = driver;
        this.ordinal = ordinal;
        this.thread = Thread.ofPlatform().name("cuda-device-" + ordinal).daemon(true).unstarted(this::run);
    }

    /** Starts the thread of device {@code ordinal} and waits until its primary context is current. */
    public static DeviceThread start(CudaDriver driver, int ordinal) {
        DeviceThread deviceThread = new DeviceThread(driver, ordinal);
        deviceThread.thread.start();
        deviceThread.call(() -> {
            deviceThread.device = driver.device(ordinal);
            deviceThread.context = driver.retainPrimaryContext(deviceThread.device);
            driver.setCurrentContext(deviceThread.context);
            return null;
        });
        return deviceThread;
    }

    private void run() {
        CURRENT.set(this);
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            task.run();
        }
    }

    /** The device ordinal (after CUDA_VISIBLE_DEVICES) this thread drives. */
    public int ordinal() {
        return ordinal;
    }

    public CudaDriver driver() {
        return driver;
    }

    @Override
    public void execute(Runnable task) {
        if (!thread.isAlive()) {
            throw new IllegalStateException("the thread of CUDA device " + ordinal + " has stopped");
        }
        tasks.add(task);
    }

    /** Runs {@code task} on this device's thread and returns its result (or rethrows its failure). */
    public <T> T call(Callable<T> task) {
        if (CURRENT.get() == this) {
            return callHere(task);
        }
        CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> callHere(task), this);
        try {
            return result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static <T> T callHere(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails unless the caller is this device's thread: CUDA state must never be touched from elsewhere. */
    void checkCurrent() {
        if (CURRENT.get() != this) {
            throw new IllegalStateException("CUDA device " + ordinal + " used from thread " + Thread.currentThread().getName()
                    + ", not from its own thread");
        }
    }

    /** Releases the primary context and stops the thread, after the tasks already given. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        call(() -> {
            if (context != null) {
                driver.synchronizeContext();
                driver.releasePrimaryContext(device);
            }
            return null;
        });
        tasks.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
