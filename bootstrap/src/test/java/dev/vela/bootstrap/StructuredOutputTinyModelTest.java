package dev.vela.bootstrap;

/** Structured outputs on the tiny model (a learned 512-token vocabulary). */
@WithVelaServer
class StructuredOutputTinyModelTest extends StructuredOutputContract {

    @Override
    int seeds() {
        return 3;
    }
}
