package dev.vela.adapters.gpu.cuda;

import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All-reduce across logical ranks that share one GPU (tp=4 on one H200): one kernel sums each
 * element over the ranks' buffers in fp32, in rank order, and writes the rounded sum back to every
 * rank, so the result is deterministic and equal, bit for bit, to {@code CpuCollective}'s. The
 * device array of buffer pointers is uploaded once per distinct set of buffers.
 */
public final class SameDeviceCollective implements Collective {

    private final CudaBackend backend;
    private final Map<List<Long>, Tensor> pointerArrays = new HashMap<>();

    public SameDeviceCollective(CudaBackend backend) {
        this.backend = backend;
    }

    @Override
    public void allReduceSum(List<Tensor> localBuffers, long count) {
        List<Long> pointers = localBuffers.stream().map(t -> ((CudaBackend.CudaTensor) t).pointer()).toList();
        Tensor array = pointerArrays.computeIfAbsent(pointers, p -> {
            Tensor device = backend.allocate(ElementType.I32, 2L * p.size());
            int[] words = new int[2 * p.size()];
            for (int i = 0; i < p.size(); i++) {
                words[2 * i] = (int) (long) p.get(i);
                words[2 * i + 1] = (int) (p.get(i) >>> 32);
            }
            backend.upload(words, words.length, device);
            return device;
        });
        backend.allReduce(((CudaBackend.CudaTensor) array).pointer(), localBuffers.size(), count);
    }

    /** Frees the pointer arrays, on the device's thread. */
    @Override
    public void close() {
        backend.thread().call(() -> {
            pointerArrays.values().forEach(backend::free);
            pointerArrays.clear();
            return null;
        });
    }
}
