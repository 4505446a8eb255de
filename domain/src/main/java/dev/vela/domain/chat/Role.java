package dev.vela.domain.chat;

/**
 * The author of a chat message. The OpenAI roles are constants; like vLLM, any other role name is
 * accepted and handed to the chat template as it is.
 */
public record Role(String name) {

    public static final Role SYSTEM = new Role("system");
    public static final Role DEVELOPER = new Role("developer");
    public static final Role USER = new Role("user");
    public static final Role ASSISTANT = new Role("assistant");
    public static final Role TOOL = new Role("tool");

    public Role {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("role must not be empty");
        }
    }

    public static Role of(String name) {
        return new Role(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
