// Weights on the device: random ones generated in place (no file, no host transfer), and type conversion
// of a region copied from a file whose dtype differs from --dtype.
#pragma once
#include "common.cuh"

__device__ __forceinline__ unsigned mix(unsigned h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

// The value WeightHash.value computes in Java, bit for bit: the same integer hash, the same two rounded
// fp32 operations (no fused multiply-add).
__device__ __forceinline__ float hash_value(unsigned seed, unsigned key, unsigned long long index, float mean,
                                            float half_width) {
    unsigned x = mix(seed ^ mix(key));
    x = mix(x ^ (unsigned)index);
    x = mix(x ^ (unsigned)(index >> 32));
    float unit = (float)(x >> 8) * (1.0f / 16777216.0f);
    float symmetric = __fsub_rn(__fmul_rn(unit, 2.0f), 1.0f);
    return __fadd_rn(mean, __fmul_rn(symmetric, half_width));
}

// dst (already at the region's first element, rows dst_pitch apart) gets the hash of source elements
// (source_row + r) * source_columns + source_column + c. Grid-stride over rows * columns.
template <typename T>
__device__ void fill_hash_body(T* dst, int rows, int columns, int dst_pitch, int source_columns, int source_row,
                               int source_column, unsigned seed, unsigned key, float mean, float half_width) {
    size_t n = (size_t)rows * columns;
    for (size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (size_t)gridDim.x * blockDim.x) {
        size_t r = idx / columns;
        size_t c = idx % columns;
        unsigned long long index = (unsigned long long)(source_row + r) * source_columns + source_column + c;
        dst[r * dst_pitch + c] = from_float<T>(hash_value(seed, key, index, mean, half_width));
    }
}
VELA_KERNEL_16(fill_hash,
               (void* dst, int rows, int columns, int dst_pitch, int source_columns, int source_row, int source_column,
                unsigned seed, unsigned key, float mean, float half_width),
               ((T*)dst, rows, columns, dst_pitch, source_columns, source_row, source_column, seed, key, mean,
                half_width))

// A dense [rows, columns] region of type S into dst (rows dst_pitch apart) as type T, rounded to nearest even.
template <typename S, typename T>
__device__ void convert_body(const S* src, T* dst, int rows, int columns, int dst_pitch) {
    size_t n = (size_t)rows * columns;
    for (size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x; idx < n; idx += (size_t)gridDim.x * blockDim.x) {
        dst[(idx / columns) * dst_pitch + idx % columns] = from_float<T>(to_float(src[idx]));
    }
}
#define VELA_CONVERT(NAME, S, T)                                                                          \
    extern "C" __global__ void NAME(const void* src, void* dst, int rows, int columns, int dst_pitch) { \
        convert_body<S, T>((const S*)src, (T*)dst, rows, columns, dst_pitch);                           \
    }
VELA_CONVERT(convert_f32_to_bf16, float, bf16)
VELA_CONVERT(convert_f32_to_f16, float, f16)
VELA_CONVERT(convert_bf16_to_f16, bf16, f16)
VELA_CONVERT(convert_f16_to_bf16, f16, bf16)
