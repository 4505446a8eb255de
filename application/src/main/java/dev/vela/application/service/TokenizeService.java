package dev.vela.application.service;

import dev.vela.application.port.in.DetokenizeCommand;
import dev.vela.application.port.in.TokenizeCommand;
import dev.vela.application.port.in.TokenizeUseCase;
import dev.vela.application.port.in.Tokenized;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.application.port.out.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokenizes prompts and conversations the way completions and chat do (same template, same
 * special-token rule), so clients can count and inspect what the model will see.
 */
public final class TokenizeService implements TokenizeUseCase {

    private final ServedModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplates templates;
    private final RequestTemplatePolicy templatePolicy;

    public TokenizeService(ServedModel model, Tokenizer tokenizer, ChatTemplates templates,
                           RequestTemplatePolicy templatePolicy) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.templates = templates;
        this.templatePolicy = templatePolicy;
    }

    @Override
    public Tokenized tokenize(TokenizeCommand command) {
        model.check(command.model());
        String text = switch (command) {
            case TokenizeCommand.Prompt prompt -> prompt.prompt();
            case TokenizeCommand.Chat chat -> {
                templatePolicy.check(chat.render());
                yield templates.render(chat.messages(), chat.render());
            }
        };
        int[] ids = tokenizer.encode(text, command.addSpecialTokens());
        return new Tokenized(ids, command.returnTokenStrs() ? tokenStrings(ids) : null, model.budget().maxModelLen());
    }

    @Override
    public String detokenize(DetokenizeCommand command) {
        model.check(command.model());
        model.checkTokenIds(command.tokens(), "tokens");
        return tokenizer.decode(command.tokens(), false);
    }

    /** Each token's vocabulary string ({@code "Ġworld"}), as vLLM's {@code convert_ids_to_tokens} gives them. */
    private List<String> tokenStrings(int[] ids) {
        List<String> strings = new ArrayList<>(ids.length);
        for (int id : ids) {
            strings.add(tokenizer.tokenString(id));
        }
        return strings;
    }
}
