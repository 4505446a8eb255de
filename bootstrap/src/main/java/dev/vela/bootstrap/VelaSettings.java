package dev.vela.bootstrap;

import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Vela's settings as read from MicroProfile Config (command line, {@code -D}, environment,
 * {@code microprofile-config.properties}).
 */
record VelaSettings(Optional<String> model, Optional<String> servedModelName, Optional<Integer> maxModelLen,
                    String generationConfig, int maxNumSeqs, int maxNumBatchedTokens, Path cacheDir) {

    static VelaSettings from(Config config) {
        return new VelaSettings(
                config.getOptionalValue("vela.model", String.class).filter(s -> !s.isBlank()),
                config.getOptionalValue("vela.served-model-name", String.class).filter(s -> !s.isBlank()),
                config.getOptionalValue("vela.max-model-len", Integer.class),
                config.getOptionalValue("vela.generation-config", String.class).orElse("auto"),
                config.getOptionalValue("vela.max-num-seqs", Integer.class).orElse(16),
                config.getOptionalValue("vela.max-num-batched-tokens", Integer.class).orElse(512),
                config.getOptionalValue("vela.cache-dir", String.class).map(Path::of)
                        .orElse(Path.of(System.getProperty("user.home"), ".cache", "vela")));
    }
}
