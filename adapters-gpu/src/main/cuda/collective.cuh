// The same-device all-reduce: N logical tensor-parallel ranks on one GPU (NCCL refuses two ranks on one
// device). Sums element i of every rank's buffer in fp32, in rank order, rounds once and writes the sum back
// to every rank: deterministic, and bit-exact against the CPU collective.
#pragma once
#include "common.cuh"

// buffers: a device array of `ranks` pointers. Grid-stride over count.
template <typename T>
__device__ void allreduce_sum_body(T* const* buffers, int ranks, int count) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
        float sum = 0.0f;
        for (int r = 0; r < ranks; r++) sum = __fadd_rn(sum, to_float(buffers[r][i]));
        T rounded = from_float<T>(sum);
        for (int r = 0; r < ranks; r++) buffers[r][i] = rounded;
    }
}
VELA_KERNEL_16(allreduce_sum, (void* const* buffers, int ranks, int count), ((T* const*)buffers, ranks, count))
