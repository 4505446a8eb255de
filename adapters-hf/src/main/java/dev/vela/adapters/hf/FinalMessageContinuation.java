package dev.vela.adapters.hf;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;

/**
 * {@code continue_final_message} as transformers implements it: the conversation is rendered as if
 * complete, then cut right after the final message's text, so that whatever the template writes
 * after a finished message (end-of-turn markers, EOS) is gone and the model continues the text.
 */
final class FinalMessageContinuation {

    private FinalMessageContinuation() {
    }

    static String cut(String prompt, List<ChatMessage> messages) {
        String finalText = messages.isEmpty() ? null : messages.getLast().content();
        if (finalText == null) {
            throw new InvalidRequestException(
                    "continue_final_message is set but the final message has no text to continue.",
                    "continue_final_message");
        }
        String stripped = PythonMethods.strip(finalText);
        int at = prompt.lastIndexOf(stripped);
        if (at < 0) {
            throw new InvalidRequestException("continue_final_message is set but the final message does not "
                    + "appear in the chat after applying the chat template! This can happen if the chat template "
                    + "deletes portions of the final message. Please verify the chat template and final message "
                    + "in your chat to ensure they are compatible.", "continue_final_message");
        }
        int leftStrippedLength = PythonMethods.lstrip(finalText, null).length();
        int kept = prompt.regionMatches(at, finalText, 0, finalText.length())
                && leftStrippedLength == finalText.length()
                // The template kept the message's trailing spacing (or it had none): keep it too.
                ? leftStrippedLength
                // The template trimmed trailing spacing: cut after the visible text.
                : stripped.length();
        return prompt.substring(0, at + kept);
    }
}
