package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The settings table of docs/configuration.md and {@code vela --help} name the same flags with the same keys. */
class FlagTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(--[a-z0-9-]+)`[^|]*\\| `([a-z0-9.-]+)` \\|");

    @Test
    void theDocsTableListsEveryFlagOfHelpWithItsKey() throws IOException {
        assertEquals(helpFlags(), docsFlags());
    }

    @Test
    void helpShowsEachFlagsKey() {
        StringWriter help = new StringWriter();
        VelaCommandLine.create().usage(new PrintWriter(help));
        helpFlags().values().forEach(key -> assertTrue(help.toString().contains("[" + key + "]"), key));
    }

    private static Map<String, String> helpFlags() {
        Map<String, String> flags = new TreeMap<>();
        for (OptionSpec option : VelaCommandLine.create().getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                flags.put(option.names()[0], VelaCommandLine.KEYS.get(option.names()[0]));
            }
        }
        return flags;
    }

    private static Map<String, String> docsFlags() throws IOException {
        Map<String, String> flags = new TreeMap<>();
        for (String line : Files.readAllLines(repositoryRoot().resolve("docs/configuration.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                flags.put(row.group(1), row.group(2));
            }
        }
        return flags;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
