package dev.vela.application.port.in;

import dev.vela.domain.model.ModelCard;
import java.util.List;

/** Lists the models this server answers to ({@code GET /v1/models}). */
public interface ListModelsUseCase {

    List<ModelCard> listModels();
}
