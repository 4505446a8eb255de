package dev.vela.domain.tools;

import java.util.List;
import java.util.function.Supplier;

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
     * A reader of the next block's body that streams its call as it is read.
     *
     * @param index the call's index among the answer's calls
     * @param ids   the id of each call, in order
     */
    StreamedCall stream(int index, Supplier<String> ids);

    /** The call a block's body holds, or null when it is not a well-formed call. */
    Call call(String body);

    /** A call's function name and its arguments as the {@code arguments} string. */
    record Call(String name, String arguments) {
    }
}
