package dev.vela.domain.tools;

import java.util.List;

/**
 * How one model family writes tool calls into its output: each call is a block between a start
 * and an end marker, some markers only group calls and are dropped, and a block's body names the
 * function and carries its arguments.
 */
interface ToolCallFormat {

    /** The marker a call begins with. */
    String callStart();

    /** The marker a call ends with. */
    String callEnd();

    /** Markers that only group calls; they are not answer text. */
    List<String> groupMarkers();

    /**
     * The member holding the arguments when a block's body is one JSON object with a {@code name}
     * member, so that the call can stream as it is read; null when the body is read whole.
     */
    default String argumentsKey() {
        return null;
    }

    /** The call a block's body holds, or null when it is not a well-formed call. */
    Call call(String body);

    /** A call's function name and its arguments as the {@code arguments} string. */
    record Call(String name, String arguments) {
    }
}
