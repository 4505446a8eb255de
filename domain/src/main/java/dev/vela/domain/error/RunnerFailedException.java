package dev.vela.domain.error;

/**
 * A model runner that can run no further step: a device, or one of its tensor-parallel
 * ranks, failed and left the others' state unknown. Only a restart of the process cures it.
 */
public final class RunnerFailedException extends RuntimeException {

    public RunnerFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
