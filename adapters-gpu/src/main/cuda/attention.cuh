// Paged causal attention with GQA, split over the context (flash-decoding): attention_partial computes,
// per (query head, token, partition of partition_size positions), the running max, the sum of exponentials
// and the unnormalised weighted sum of values; attention_combine merges the partitions with log-sum-exp.
// One partition per token is plain attention; several give a decode step enough blocks to fill the GPU.
#pragma once
#include "common.cuh"

#define ATTENTION_WARPS 4
#define MAX_HEAD_DIM 256

// partial[t, h, p] = (max, sum, acc[head_dim]) as floats. grid (tokens, q_heads, partitions), block 32 * ATTENTION_WARPS:
// tokens go in x, the one dimension not capped at 65,535 blocks.
template <typename T>
__device__ void attention_partial_body(const T* qkv, const T* key_cache, const T* value_cache, const int* positions,
                                       const int* token_sequence, const int* block_tables, float* partial,
                                       int tokens, int q_heads, int kv_heads, int head_dim, int q_head_base,
                                       int kv_head_base, int group, int block_size, int max_blocks,
                                       int partition_size, int partitions, float scale) {
    __shared__ float q[MAX_HEAD_DIM];
    __shared__ float warp_max[ATTENTION_WARPS];
    __shared__ float warp_sum_exp[ATTENTION_WARPS];
    __shared__ float warp_acc[ATTENTION_WARPS][MAX_HEAD_DIM];
    int t = blockIdx.x;
    int h = blockIdx.y;
    int part = blockIdx.z;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int context = positions[t] + 1;
    int start = part * partition_size;
    int end = min(context, start + partition_size);
    float* out = partial + (((size_t)t * q_heads + h) * partitions + part) * (head_dim + 2);
    if (start >= end) {
        for (int i = threadIdx.x; i < head_dim + 2; i += blockDim.x) out[i] = i == 0 ? -INFINITY : 0.0f;
        return;
    }
    int width = (q_heads + 2 * kv_heads) * head_dim;
    const T* q_row = qkv + (size_t)t * width + (size_t)h * head_dim;
    for (int i = threadIdx.x; i < head_dim; i += blockDim.x) q[i] = to_float(q_row[i]) * scale;
    __syncthreads();
    int kv = (q_head_base + h) / group - kv_head_base;
    const int* table = block_tables + (size_t)token_sequence[t] * max_blocks;
    const int per_lane = (head_dim + 31) >> 5;
    float acc[MAX_HEAD_DIM / 32];
    for (int k = 0; k < MAX_HEAD_DIM / 32; k++) acc[k] = 0.0f;
    float running_max = -INFINITY;
    float sum_exp = 0.0f;
    for (int j = start + warp; j < end; j += ATTENTION_WARPS) {
        size_t slot = (size_t)table[j / block_size] * block_size + j % block_size;
        const T* key = key_cache + (slot * kv_heads + kv) * head_dim;
        const T* value = value_cache + (slot * kv_heads + kv) * head_dim;
        float score = 0.0f;
        for (int i = lane; i < head_dim; i += 32) score += q[i] * to_float(key[i]);
        score = warp_sum(score);
        float new_max = fmaxf(running_max, score);
        float correction = __expf(running_max - new_max);
        float weight = __expf(score - new_max);
        sum_exp = sum_exp * correction + weight;
        for (int k = 0; k < per_lane; k++) {
            int i = lane + 32 * k;
            if (i < head_dim) acc[k] = acc[k] * correction + weight * to_float(value[i]);
        }
        running_max = new_max;
    }
    if (lane == 0) {
        warp_max[warp] = running_max;
        warp_sum_exp[warp] = sum_exp;
    }
    for (int k = 0; k < per_lane; k++) {
        int i = lane + 32 * k;
        if (i < head_dim) warp_acc[warp][i] = acc[k];
    }
    __syncthreads();
    float block_max = -INFINITY;
    for (int w = 0; w < ATTENTION_WARPS; w++) block_max = fmaxf(block_max, warp_max[w]);
    for (int i = threadIdx.x; i < head_dim + 2; i += blockDim.x) {
        float total = 0.0f;
        for (int w = 0; w < ATTENTION_WARPS; w++) {
            float factor = warp_max[w] == -INFINITY ? 0.0f : __expf(warp_max[w] - block_max);
            total += factor * (i == 1 ? warp_sum_exp[w] : i >= 2 ? warp_acc[w][i - 2] : 0.0f);
        }
        out[i] = i == 0 ? block_max : total;
    }
}
VELA_KERNEL_16(attention_partial,
               (const void* qkv, const void* key_cache, const void* value_cache, const int* positions,
                const int* token_sequence, const int* block_tables, float* partial, int tokens, int q_heads,
                int kv_heads, int head_dim, int q_head_base, int kv_head_base, int group, int block_size,
                int max_blocks, int partition_size, int partitions, float scale),
               ((const T*)qkv, (const T*)key_cache, (const T*)value_cache, positions, token_sequence, block_tables,
                partial, tokens, q_heads, kv_heads, head_dim, q_head_base, kv_head_base, group, block_size,
                max_blocks, partition_size, partitions, scale))

// out[t, h * head_dim + i] = sum_p e^(max_p - M) acc_p[i] / sum_p e^(max_p - M) sum_p. grid (tokens, q_heads), block head_dim.
template <typename T>
__device__ void attention_combine_body(const float* partial, T* out, int tokens, int q_heads, int head_dim,
                                       int partitions) {
    int t = blockIdx.x;
    int h = blockIdx.y;
    int i = threadIdx.x;
    if (i >= head_dim) return;
    const float* first = partial + ((size_t)t * q_heads + h) * partitions * (head_dim + 2);
    float global_max = -INFINITY;
    for (int p = 0; p < partitions; p++) global_max = fmaxf(global_max, first[(size_t)p * (head_dim + 2)]);
    float sum = 0.0f;
    float acc = 0.0f;
    for (int p = 0; p < partitions; p++) {
        const float* part = first + (size_t)p * (head_dim + 2);
        if (part[0] == -INFINITY) continue;
        float factor = __expf(part[0] - global_max);
        sum += factor * part[1];
        acc += factor * part[2 + i];
    }
    out[(size_t)t * q_heads * head_dim + (size_t)h * head_dim + i] = from_float<T>(acc / sum);
}
VELA_KERNEL_16(attention_combine, (const float* partial, void* out, int tokens, int q_heads, int head_dim, int partitions),
               (partial, (T*)out, tokens, q_heads, head_dim, partitions))
