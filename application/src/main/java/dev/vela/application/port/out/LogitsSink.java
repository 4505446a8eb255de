package dev.vela.application.port.out;

/**
 * Receives the rows of raw logits a forward pass produces, one call per row, in batch order and
 * then position order on the calling thread (or, where the caller allows it, from several of the
 * runner's threads at once: {@link ModelRunner#execute(java.util.List, LogitsSink, boolean)}). The
 * row is only valid during the call (runners reuse it), and the receiver may change it in place.
 */
@FunctionalInterface
public interface LogitsSink {

    /**
     * @param slice    index of the slice in the batch
     * @param position the position whose token these logits follow (they predict position + 1)
     * @param logits   raw logits over the model's vocabulary
     */
    void accept(int slice, int position, float[] logits);
}
