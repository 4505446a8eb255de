package dev.vela.adapters.gpu;

/**
 * This machine cannot run the GPU adapter: {@code --device gpu} fails start-up with this one line
 * ({@code --device auto} asks {@link Cuda#available()} first and falls back to the CPU).
 */
public final class GpuUnavailableException extends IllegalStateException {

    public GpuUnavailableException(String reason) {
        super("--device gpu: no usable GPU: " + reason);
    }
}
