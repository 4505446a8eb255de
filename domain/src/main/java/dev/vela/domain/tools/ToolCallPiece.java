package dev.vela.domain.tools;

/**
 * One piece of a parsed model output, in the order a stream sends them: answer text, the start of
 * a call (its index among the answer's calls, its id and function name), or a piece of a call's
 * arguments (a JSON string once all its pieces are joined).
 */
public sealed interface ToolCallPiece {

    /** Text of the answer that is not part of any call. */
    record Content(String text) implements ToolCallPiece {
    }

    /** A call begins: OpenAI's first delta of a call. */
    record CallStart(int index, String id, String name) implements ToolCallPiece {
    }

    /** More of the arguments of call {@code index}. */
    record Arguments(int index, String text) implements ToolCallPiece {
    }
}
