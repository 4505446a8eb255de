// Greedy sampling's fast path over a vocab-parallel shard: per row, the largest of the first `columns`
// logits and its column, the lowest column on ties (as a full-row argmax breaks them).
#pragma once
#include "common.cuh"

// grid (rows), block 256.
extern "C" __global__ void argmax_partial(const float* logits, float* values, int* indices, int rows, int columns,
                                          int pitch) {
    __shared__ float best_values[256];
    __shared__ int best_indices[256];
    const float* row = logits + (size_t)blockIdx.x * pitch;
    float best = -INFINITY;
    int index = 0x7fffffff;
    for (int c = threadIdx.x; c < columns; c += blockDim.x) {
        float v = row[c];
        if (v > best || (v == best && c < index)) {
            best = v;
            index = c;
        }
    }
    best_values[threadIdx.x] = best;
    best_indices[threadIdx.x] = index;
    __syncthreads();
    for (int stride = blockDim.x >> 1; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            float v = best_values[threadIdx.x + stride];
            int c = best_indices[threadIdx.x + stride];
            if (v > best_values[threadIdx.x] || (v == best_values[threadIdx.x] && c < best_indices[threadIdx.x])) {
                best_values[threadIdx.x] = v;
                best_indices[threadIdx.x] = c;
            }
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        values[blockIdx.x] = best_values[0];
        indices[blockIdx.x] = best_indices[0] == 0x7fffffff ? 0 : best_indices[0];
    }
}
