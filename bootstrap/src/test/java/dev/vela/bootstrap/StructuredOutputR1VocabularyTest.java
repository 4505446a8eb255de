package dev.vela.bootstrap;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;

/** Structured outputs on R1-Distill's real vocabulary (151,936 byte-level BPE tokens, many of them multi-character). */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY, weights = WeightType.BFLOAT16)
class StructuredOutputR1VocabularyTest extends StructuredOutputContract {

    @Override
    int seeds() {
        return 1;
    }
}
