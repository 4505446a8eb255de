package dev.vela.application.port.in;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.prompt.Prompt;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;

/**
 * A completion request in domain terms.
 *
 * @param model    the requested model name (null or empty: the served model)
 * @param prompts  one or more prompts; each yields {@code n} choices
 * @param sampling the request's sampling fields, before server defaults
 * @param echo     whether each choice's text starts with its prompt
 * @param suffix   text to follow the completion; vLLM does not support it
 */
public record CompletionCommand(String model, List<Prompt> prompts, SamplingParams sampling, boolean echo, String suffix) {

    public CompletionCommand {
        if (prompts == null || prompts.isEmpty()) {
            throw new InvalidRequestException("At least one of `prompt` or `prompt_embeds` must be set.", "prompt");
        }
        prompts = List.copyOf(prompts);
    }
}
