package dev.vela.bootstrap;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The settings tables of docs/configuration.md, written from {@link SettingsTable}. */
final class SettingsMarkdown {

    static final String BEGIN = "<!-- The tables up to the end mark are written from bootstrap's SettingsTable by "
            + "SettingsDocsTest; -Dvela.write-docs=true on that test rewrites them. -->";
    static final String END = "<!-- end of the tables written from SettingsTable -->";

    private SettingsMarkdown() {
    }

    /** {@code markdown} with the text between the marks replaced by the tables; the marks must be there. */
    static String replaceTables(String markdown) {
        int begin = markdown.indexOf(BEGIN);
        int end = markdown.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no '" + BEGIN + "' ... '" + END + "' in the page");
        }
        return markdown.substring(0, begin + BEGIN.length()) + "\n" + tables() + markdown.substring(end);
    }

    static String tables() {
        List<Setting<?>> flagless = SettingsTable.ALL.stream().filter(setting -> setting.flags().isEmpty()).toList();
        StringBuilder text = new StringBuilder("| flag | key | default | meaning |\n|---|---|---|---|\n");
        SettingsTable.flags().forEach(setting -> text.append("| ").append(flags(setting)).append(" | `").append(setting.key())
                .append("` | ").append(defaultValue(setting)).append(" | ").append(escape(setting.help())).append(" |\n"));
        text.append("\nKeys without a flag:\n\n| key | default | meaning |\n|---|---|---|\n");
        flagless.forEach(setting -> text.append("| `").append(setting.key()).append("` | ").append(defaultValue(setting))
                .append(" | ").append(escape(setting.help())).append(" |\n"));
        return text.toString();
    }

    private static String flags(Setting<?> setting) {
        List<String> others = setting.flags().subList(1, setting.flags().size());
        if (setting.negatable()) {
            others = List.of("--no-" + setting.flag().substring(2));
        }
        String first = "`" + setting.flag() + "`";
        return others.isEmpty() ? first
                : first + " (" + others.stream().map(name -> "`" + name + "`").collect(Collectors.joining(", ")) + ")";
    }

    private static String defaultValue(Setting<?> setting) {
        if (setting.defaultHelp() == null) {
            return setting.defaultValue() == null ? "" : "`" + setting.defaultValue() + "`";
        }
        String[] parts = setting.defaultHelp().split(Pattern.quote(Setting.DEFAULT_VALUE), -1);
        return Arrays.stream(parts).map(SettingsMarkdown::escape)
                .collect(Collectors.joining("`" + setting.defaultValue() + "`"));
    }

    /** Text as Markdown shows it as it is. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
