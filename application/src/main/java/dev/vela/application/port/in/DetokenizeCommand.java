package dev.vela.application.port.in;

/** Token ids to turn back into text ({@code POST /detokenize}); {@code model} null or empty means the served model. */
public record DetokenizeCommand(String model, int[] tokens) {

    public DetokenizeCommand {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
