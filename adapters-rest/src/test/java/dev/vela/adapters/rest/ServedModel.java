package dev.vela.adapters.rest;

import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.domain.model.ModelCard;
import java.util.List;

/** The one model the fake server lists; its name differs from any a test request sends, so answers show which they carry. */
final class ServedModel {

    static final String NAME = "served-model";
    static final ListModelsUseCase LIST = () -> List.of(new ModelCard(NAME, "/models/served", 1024, 1_700_000_000L, "vela"));

    private ServedModel() {
    }
}
