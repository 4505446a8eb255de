package dev.vela.bootstrap;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The built-in demo model: small, random weights, written into the cache on first start so that
 * the server, its docs and its clients can be tried on any machine without downloading anything.
 */
final class DemoModel {

    private static final Logger LOG = Logger.getLogger(DemoModel.class.getName());
    /** Bump when the writer or the preset changes, so old caches are not reused. */
    private static final String VERSION = "1";
    private static final long SEED = 42;

    private DemoModel() {
    }

    static String name() {
        return ModelPreset.DEMO.modelName();
    }

    /** The demo model's directory, written now if the cache does not have it yet. */
    static Path ensure(Path cacheDir) {
        Path dir = cacheDir.resolve("models").resolve(name() + "-v" + VERSION);
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            LOG.info("Writing the demo model into " + dir + " (first start only)");
            RandomModelWriter.write(ModelPreset.DEMO, WeightType.FLOAT32, SEED, dir);
        }
        LOG.warning("No --model given: serving the built-in demo model '" + name() + "'. It has RANDOM weights, "
                + "so its answers are noise. To serve a real model: bin/vela --model /path/to/hf-model-directory");
        return dir;
    }
}
