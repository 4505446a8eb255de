package dev.vela.domain.tools;

import java.util.List;

/** Reads the tool calls out of one choice's answer as it streams; one reader per choice. */
public interface ToolCallReader {

    /** The pieces the next part of the answer completes, in order. */
    List<ToolCallPiece> next(String text);

    /** What is left once the answer has ended. */
    List<ToolCallPiece> finish();
}
