package dev.vela.application.service;

import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.domain.model.ModelCard;
import java.util.List;

/** Lists the served model. */
public final class ModelsService implements ListModelsUseCase {

    private final ServedModel model;

    public ModelsService(ServedModel model) {
        this.model = model;
    }

    @Override
    public List<ModelCard> listModels() {
        return List.of(model.card());
    }
}
