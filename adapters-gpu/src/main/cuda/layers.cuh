// The per-token layer kernels: fused residual add + RMSNorm, q/k/v bias + neox RoPE + paged KV write,
// SiLU·mul, row gather (the embedding lookup and the logit rows).
#pragma once
#include "common.cuh"

// residual = (accumulate ? residual : 0) + x (fp32); out = residual * rsqrt(mean(residual²) + eps) * weight.
// grid (tokens), block a multiple of 32 up to 1024.
template <typename T>
__device__ void add_rmsnorm_body(float* residual, const T* x, const T* weight, T* out, int tokens, int hidden,
                                 float eps, int accumulate) {
    size_t base = (size_t)blockIdx.x * hidden;
    float squares = 0.0f;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
        float r = to_float(x[base + i]);
        if (accumulate) r = residual[base + i] + r;
        residual[base + i] = r;
        squares += r * r;
    }
    float total = block_sum(squares);
    float scale = rsqrtf(total / hidden + eps);
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
        out[base + i] = from_float<T>(residual[base + i] * scale * to_float(weight[i]));
    }
}
#define ADD_RMSNORM_PARAMS (float* residual, const void* x, const void* weight, void* out, int tokens, int hidden, \
                            float eps, int accumulate)
VELA_KERNEL_16(add_rmsnorm, ADD_RMSNORM_PARAMS,
               (residual, (const T*)x, (const T*)weight, (T*)out, tokens, hidden, eps, accumulate))

// Per token row [q heads | kv heads of k | kv heads of v] of width (q_heads + 2 kv_heads) * d: adds the
// bias, rotates q and k by neox pairs (i, i + d/2) at angle position * inv_freq[i], keeps q in place and
// writes k and v to the paged cache [slot, kv_heads, d]. grid (tokens, q_heads + 2 kv_heads), block d/2.
template <typename T>
__device__ void qkv_bias_rope_cache_body(T* qkv, const T* bias, const int* positions, const int* slots,
                                         const float* inv_freq, T* key_cache, T* value_cache, int tokens,
                                         int q_heads, int kv_heads, int head_dim) {
    int t = blockIdx.x;
    int h = blockIdx.y;
    int half = head_dim >> 1;
    int i = threadIdx.x;
    if (i >= half) return;
    T* row = qkv + (size_t)t * (q_heads + 2 * kv_heads) * head_dim + (size_t)h * head_dim;
    const T* b = bias + (size_t)h * head_dim;
    float first = to_float(row[i]) + to_float(b[i]);
    float second = to_float(row[i + half]) + to_float(b[i + half]);
    size_t slot = (size_t)slots[t];
    if (h < q_heads + kv_heads) {
        float angle = (float)positions[t] * inv_freq[i];
        float s, c;
        sincosf(angle, &s, &c);
        float x0 = first * c - second * s;
        float x1 = second * c + first * s;
        T* dst = h < q_heads ? row : key_cache + (slot * kv_heads + (h - q_heads)) * head_dim;
        dst[i] = from_float<T>(x0);
        dst[i + half] = from_float<T>(x1);
    } else {
        T* dst = value_cache + (slot * kv_heads + (h - q_heads - kv_heads)) * head_dim;
        dst[i] = from_float<T>(first);
        dst[i + half] = from_float<T>(second);
    }
}
VELA_KERNEL_16(qkv_bias_rope_cache,
               (void* qkv, const void* bias, const int* positions, const int* slots, const float* inv_freq,
                void* key_cache, void* value_cache, int tokens, int q_heads, int kv_heads, int head_dim),
               ((T*)qkv, (const T*)bias, positions, slots, inv_freq, (T*)key_cache, (T*)value_cache, tokens,
                q_heads, kv_heads, head_dim))

// out[t, i] = silu(gate_up[t, i]) * gate_up[t, intermediate + i]; grid-stride over tokens * intermediate.
template <typename T>
__device__ void silu_mul_body(const T* gate_up, T* out, int tokens, int intermediate) {
    size_t n = (size_t)tokens * intermediate;
    for (size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (size_t)gridDim.x * blockDim.x) {
        size_t t = idx / intermediate;
        size_t i = idx % intermediate;
        float g = to_float(gate_up[t * 2 * intermediate + i]);
        float u = to_float(gate_up[t * 2 * intermediate + intermediate + i]);
        out[idx] = from_float<T>(g / (1.0f + expf(-g)) * u);
    }
}
VELA_KERNEL_16(silu_mul, (const void* gate_up, void* out, int tokens, int intermediate),
               ((const T*)gate_up, (T*)out, tokens, intermediate))

// dst[r] = src[rows[r]], rows of width: embedding rows by token id, hidden rows by logit row; grid (count).
template <typename T>
__device__ void gather_rows_body(const T* src, const int* rows, T* dst, int count, int width) {
    const T* from = src + (size_t)rows[blockIdx.x] * width;
    T* to = dst + (size_t)blockIdx.x * width;
    for (int i = threadIdx.x; i < width; i += blockDim.x) to[i] = from[i];
}
VELA_KERNEL_16(gather_rows, (const void* src, const int* rows, void* dst, int count, int width),
               ((const T*)src, rows, (T*)dst, count, width))
