package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.domain.model.ModelCard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models} against a fake model list: vLLM's model object, byte for byte. */
class ModelsResourceTest {

    @Test
    void theServedModelIsListedInVllmsShape() {
        String body = WireReply.json(new ModelsResource(ServedModel.LIST).list());
        assertEquals("{\"object\":\"list\",\"data\":[{\"id\":\"served-model\",\"object\":\"model\",\"created\":1700000000,"
                + "\"owned_by\":\"vela\",\"root\":\"/models/served\",\"parent\":null,\"max_model_len\":1024,\"permission\":["
                + "{\"id\":\"modelperm-ID\",\"object\":\"model_permission\",\"created\":1700000000,\"allow_create_engine\":false,"
                + "\"allow_sampling\":true,\"allow_logprobs\":true,\"allow_search_indices\":false,\"allow_view\":true,"
                + "\"allow_fine_tuning\":false,\"organization\":\"*\",\"group\":null,\"is_blocking\":false}]}]}",
                body.replaceAll("modelperm-[0-9a-f]{32}", "modelperm-ID"));
    }

    @Test
    void aQuantizedModelSaysWhichQuantization() {
        ListModelsUseCase quantized = () -> List.of(new ModelCard("q", "/models/q", 1024, 1_700_000_000L, "vela", "q8_0"));
        String body = WireReply.json(new ModelsResource(quantized).list());
        assertTrue(body.contains("\"max_model_len\":1024,\"quantization\":\"q8_0\",\"permission\""), body);
    }

    @Test
    void thePermissionIdIsTheSameOnEveryListing() {
        assertEquals(WireReply.json(new ModelsResource(ServedModel.LIST).list()),
                WireReply.json(new ModelsResource(ServedModel.LIST).list()));
    }
}
