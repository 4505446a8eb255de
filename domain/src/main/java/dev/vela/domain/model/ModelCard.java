package dev.vela.domain.model;

/**
 * A served model as {@code /v1/models} lists it: the name clients use, where it came from, its
 * context length, when the server started serving it, and the quantization its weights are
 * served in ({@code none} when as stored).
 */
public record ModelCard(String id, String root, int maxModelLen, long createdEpochSeconds, String ownedBy,
                        String quantization) {

    /** A model served with its weights as stored. */
    public ModelCard(String id, String root, int maxModelLen, long createdEpochSeconds, String ownedBy) {
        this(id, root, maxModelLen, createdEpochSeconds, ownedBy, "none");
    }

    public ModelCard {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a served model needs a name");
        }
    }

    /** True when a request's {@code model} field means this model; a missing or empty name does. */
    public boolean answersTo(String requestedModel) {
        return requestedModel == null || requestedModel.isEmpty() || requestedModel.equals(id);
    }
}
