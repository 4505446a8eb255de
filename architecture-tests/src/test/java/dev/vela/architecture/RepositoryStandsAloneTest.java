package dev.vela.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clone holds everything it needs: no file of the repository points at the team's notes beside it. */
class RepositoryStandsAloneTest {

    private static final String NOTES = "shared";
    /** Built from pieces so that this file does not match itself. */
    private static final Pattern OUTSIDE = Pattern.compile("\\.\\./" + NOTES + "\\b|\\b" + NOTES + "/(design|reference|tools)/");
    private static final Set<String> SKIPPED = Set.of(".git", "target", "node_modules", ".gpu-check", ".gpu-check-out");

    @Test
    void noFilePointsOutsideTheRepository() throws IOException {
        assertEquals(List.of(), filesPointingOutside(repositoryRoot()));
    }

    @Test
    void aPlantedReferenceIsFound(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mvnw"), "");
        Files.writeString(dir.resolve("README.md"), "See ../" + NOTES + "/design/architecture.md for the map.");
        assertEquals(List.of("README.md"), filesPointingOutside(dir));
    }

    private static List<String> filesPointingOutside(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !skipped(root.relativize(file)))
                    .filter(file -> OUTSIDE.matcher(text(file)).find())
                    .map(file -> root.relativize(file).toString())
                    .sorted()
                    .toList();
        }
    }

    private static boolean skipped(Path relative) {
        for (Path name : relative) {
            if (SKIPPED.contains(name.toString())) {
                return true;
            }
        }
        return false;
    }

    /** A text file's content; binary files (not UTF-8) read as empty. */
    private static String text(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
