package dev.vela.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --chat-template} read as vLLM reads it: a file that can be opened is the template;
 * otherwise text holding {@code {}, {@code }} or a line break is the template itself, its
 * backslash escapes decoded (a shell passes {@code \n} as two characters); anything else looks
 * like a file path that failed, which stops start-up.
 */
final class ChatTemplateOption {

    private ChatTemplateOption() {
    }

    static String source(String value) {
        Path file;
        try {
            file = Path.of(value);
        } catch (RuntimeException e) {
            file = null;
        }
        IOException failure;
        try {
            if (file != null) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            failure = new IOException("not a path");
        } catch (IOException e) {
            failure = e;
        }
        if (value.chars().noneMatch(c -> c == '{' || c == '}' || c == '\n')) {
            throw new SettingsException("The supplied chat template (" + value + ") looks like a file path, but it "
                    + "failed to be opened. Reason: " + failure);
        }
        return unescape(value);
    }

    /** Python's {@code unicode_escape} decoding of the escapes a template is likely to hold. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\' -> out.append('\\');
                case '\'' -> out.append('\'');
                case '"' -> out.append('"');
                case 'u' -> {
                    if (i + 4 < text.length() && text.substring(i + 1, i + 5).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('\\').append(e);
                    }
                }
                default -> out.append('\\').append(e);
            }
        }
        return out.toString();
    }
}
