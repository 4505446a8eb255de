package dev.vela.domain.tools;

/**
 * A chat request's {@code tool_choice}: no calls, the model's choice (read from its answer by the
 * server's {@code --tool-call-parser}), at least one call of the offered tools, or a call of the
 * named tool; the last two are enforced by constraining the answer.
 */
public sealed interface ToolChoice {

    None NONE = new None();
    Auto AUTO = new Auto();
    Required REQUIRED = new Required();

    /** {@code "none"}: the tools are shown to the template, the answer is text. */
    record None() implements ToolChoice {
    }

    /** {@code "auto"}: the model may call tools; its calls are parsed out of its answer. */
    record Auto() implements ToolChoice {
    }

    /** {@code "required"}: the answer is one or more calls of the offered tools. */
    record Required() implements ToolChoice {
    }

    /** {@code {"type": "function", "function": {"name": ...}}}: the answer is a call of this tool. */
    record Named(String name) implements ToolChoice {
        public Named {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a named tool choice needs a name");
            }
        }
    }
}
