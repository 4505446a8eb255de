package dev.vela.domain.tools;

import java.util.List;

/** One call of a parsed answer read character by character, so that it can stream as it is read. */
interface StreamedCall {

    /**
     * Reads one character of the call's block; what it adds to the stream goes to {@code pieces}.
     * False when the block so far cannot be a well-formed call.
     */
    boolean accept(char c, List<ToolCallPiece> pieces);

    /** Whether the call has started (its first entry was sent). */
    boolean started();

    /** The call's index among the answer's calls. */
    int index();

    /** Whether the call has been read whole; what follows in its block is text. */
    boolean done();

    /** Whether the block has gone wrong. */
    boolean failed();

    /** The output ends here; what that completes goes to {@code pieces}. */
    void end(List<ToolCallPiece> pieces);
}
