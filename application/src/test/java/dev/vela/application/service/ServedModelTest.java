package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.sampling.SamplingDefaults;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServedModelTest {

    private final ServedModel model = new ServedModel(new ModelCard("m", "m", 64, 0, "vllm"),
            new GenerationConfig(SamplingDefaults.none(), List.of()), new TokenBudget(64), 100);

    @Test
    void theLargestOutOfVocabularyIdIsNamedAsVllmNamesIt() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.checkTokenIds(new int[] {1, 100, 5, 250, 99}, "tokens"));
        assertEquals("Token id 250 is out of vocabulary", e.getMessage());
        assertEquals("tokens", e.param());
    }

    @Test
    void aNegativeIdIsOutOfVocabularyToo() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.checkTokenIds(new int[] {1, -3, 250}, "prompt"));
        assertEquals("Token id -3 is out of vocabulary", e.getMessage());
        assertEquals("prompt", e.param());
    }

    @Test
    void theVocabularyEndsJustBelowItsSize() {
        model.checkTokenIds(new int[] {0, 99}, "prompt");
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.checkTokenIds(new int[] {0, 100}, "prompt"));
        assertEquals("Token id 100 is out of vocabulary", e.getMessage());
    }
}
