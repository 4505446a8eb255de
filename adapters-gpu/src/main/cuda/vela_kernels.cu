// Vela's CUDA kernels, one module: compiled by build-kernels.sh (nvcc 13.0) to PTX for compute_80 and a
// fatbin with that PTX plus sm_90 code, committed under src/main/resources. Every entry point is
// extern "C"; Java launches them through dev.vela.adapters.gpu.cuda.Kernels, whose parameter lists a test
// checks against the PTX.
#include "common.cuh"
#include "layers.cuh"
#include "attention.cuh"
#include "collective.cuh"
#include "weights.cuh"
