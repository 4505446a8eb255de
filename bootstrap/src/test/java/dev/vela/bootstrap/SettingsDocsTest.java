package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's settings tables are the ones {@link SettingsTable} writes, so the docs say
 * what {@code --help} says. {@code -Dvela.write-docs=true} rewrites them from the table first.
 */
class SettingsDocsTest {

    @Test
    void theDocsSettingsTablesAreWrittenFromTheSettingsTable() throws IOException {
        Path page = repositoryRoot().resolve("docs/configuration.md");
        String text = Files.readString(page);
        String written = SettingsMarkdown.replaceTables(text);
        if (Boolean.getBoolean("vela.write-docs")) {
            Files.writeString(page, written);
            text = written;
        }
        assertEquals(written, text, "docs/configuration.md differs from SettingsTable: rerun this test with "
                + "-Dvela.write-docs=true to rewrite its tables");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
