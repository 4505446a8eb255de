// Shared helpers of Vela's kernels: 16-bit storage types, fp32 arithmetic.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>

typedef __nv_bfloat16 bf16;
typedef __half f16;

__device__ __forceinline__ float to_float(bf16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float to_float(f16 v) { return __half2float(v); }
__device__ __forceinline__ float to_float(float v) { return v; }

// Round to nearest even, as the CPU reference (ElementType.round) does.
template <typename T> __device__ __forceinline__ T from_float(float v);
template <> __device__ __forceinline__ bf16 from_float<bf16>(float v) { return __float2bfloat16_rn(v); }
template <> __device__ __forceinline__ f16 from_float<f16>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ float from_float<float>(float v) { return v; }

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
    return v;
}

// Sum over a block of at most 1024 threads; every thread gets the total.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    __shared__ float total;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float s = lane < (int)((blockDim.x + 31) >> 5) ? partial[lane] : 0.0f;
        s = warp_sum(s);
        if (lane == 0) total = s;
    }
    __syncthreads();
    return total;
}

// Instantiates a templated kernel body for bf16 and f16 as extern "C" entry points NAME_bf16 and NAME_f16.
#define VELA_KERNEL_16(NAME, PARAMS, ARGS)                                           \
    extern "C" __global__ void NAME##_bf16 PARAMS { typedef bf16 T; NAME##_body<T> ARGS; } \
    extern "C" __global__ void NAME##_f16 PARAMS { typedef f16 T; NAME##_body<T> ARGS; }
