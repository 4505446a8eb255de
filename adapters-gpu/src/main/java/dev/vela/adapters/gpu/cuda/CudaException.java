package dev.vela.adapters.gpu.cuda;

/** A CUDA, cuBLAS or NCCL call that returned an error, named with the call and the library's own words. */
public final class CudaException extends RuntimeException {

    private final String call;
    private final int code;

    public CudaException(String call, int code, String errorName, String description) {
        super(call + " failed: " + errorName + " (" + description + ")");
        this.call = call;
        this.code = code;
    }

    /** The C function that failed. */
    public String call() {
        return call;
    }

    /** The library's error code. */
    public int code() {
        return code;
    }
}
