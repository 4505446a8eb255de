package dev.vela.adapters.gpu.cuda;

import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * All-reduce across GPUs with NCCL: one rank per device, each device's thread enqueueing its
 * in-place {@code ncclAllReduce} on its backend's stream, so the collective orders with the
 * kernels around it without the host waiting.
 */
public final class NcclCollective implements Collective {

    private final Nccl nccl;
    private final CudaBackend backend;
    private final MemorySegment communicator;
    private boolean aborted;

    private NcclCollective(Nccl nccl, CudaBackend backend, MemorySegment communicator) {
        this.nccl = nccl;
        this.backend = backend;
        this.communicator = communicator;
    }

    /**
     * One collective per backend, rank i on {@code backends.get(i)}'s device. {@code ncclCommInitAll}
     * runs on a platform thread of its own (it switches devices internally), never on a request thread.
     */
    public static List<Collective> across(Nccl nccl, List<CudaBackend> backends) {
        int[] ordinals = backends.stream().mapToInt(b -> b.thread().ordinal()).toArray();
        List<MemorySegment> communicators = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread init = Thread.ofPlatform().name("nccl-init").start(() -> {
            try {
                communicators.addAll(nccl.initAll(ordinals));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            init.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while NCCL set up its communicators", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        List<Collective> collectives = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            collectives.add(new NcclCollective(nccl, backends.get(i), communicators.get(i)));
        }
        return List.copyOf(collectives);
    }

    private void enqueue(List<Tensor> localBuffers, long count) {
        if (localBuffers.size() != 1) {
            throw new IllegalStateException("NCCL holds one rank per GPU; this worker drives " + localBuffers.size());
        }
        Tensor buffer = localBuffers.getFirst();
        int type = switch (buffer.type()) {
            case BF16 -> Nccl.NCCL_BFLOAT16;
            case F16 -> Nccl.NCCL_FLOAT16;
            case F32 -> Nccl.NCCL_FLOAT32;
            case I32 -> throw new IllegalArgumentException("no all-reduce of int tensors");
        };
        backend.thread().checkCurrent();
        nccl.allReduceInPlace(((CudaBackend.CudaTensor) buffer).pointer(), count, type, communicator, backend.stream());
    }

    @Override
    public void check() {
        backend.thread().checkCurrent();
        if (!aborted) {
            nccl.checkAsyncError(communicator);
        }
    }

    /** {@code ncclCommAbort}: this device's pending all-reduce kernels return, so its stream drains. */
    @Override
    public void abort() {
        backend.thread().checkCurrent();
        if (!aborted) {
            aborted = true;
            nccl.abort(communicator);
        }
    }

    @Override
    public void allReduceSum(List<Tensor> localBuffers, long count) {
        if (aborted) {
            throw new IllegalStateException("the NCCL communicator of " + backend.name() + " was aborted after a failed step");
        }
        enqueue(localBuffers, count);
    }

    /** Destroys the communicator, unless an abort already freed it. */
    @Override
    public void close() {
        backend.thread().call(() -> {
            if (!aborted) {
                nccl.destroy(communicator);
            }
            return null;
        });
    }
}
