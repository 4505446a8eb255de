package dev.vela.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The token {@code huggingface-cli login} saved in {@code $HF_HOME/token}, used when {@code HF_TOKEN} is not set. */
final class HubToken {

    private HubToken() {
    }

    static Optional<String> read(Path hfHome) {
        Path file = hfHome.resolve("token");
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(t -> !t.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
