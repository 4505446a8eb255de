package dev.vela.bootstrap;

import dev.vela.adapters.hf.HfHubDownloader;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.ModelDirectoryException;
import dev.vela.adapters.hf.ModelDownloadException;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Where the served model comes from ({@code --model}): a local directory, checked before the server
 * listens so a broken one stops start-up at once; a Hugging Face hub repository id, downloaded
 * once the server listens (probes answer 503 meanwhile); or, without {@code --model}, the
 * built-in demo model.
 */
sealed interface ModelSource {

    Logger LOG = Logger.getLogger(ModelSource.class.getName());

    /** Where the model came from, for {@code /v1/models}' {@code root}. */
    String root();

    /** The model directory, downloading it first when it comes from the hub; checked. */
    HfModelDirectory directory();

    /** A directory on this machine, already checked. */
    record Local(String root, HfModelDirectory directory) implements ModelSource {
    }

    /** A repository on the hub, fetched on first use. */
    record Hub(String repoId, VelaSettings.HubSettings hub) implements ModelSource {

        @Override
        public String root() {
            return repoId;
        }

        @Override
        public HfModelDirectory directory() {
            LOG.info("Fetching " + repoId + " from " + hub.endpoint() + " into " + hub.cacheDir());
            Path snapshot;
            try {
                snapshot = new HfHubDownloader(hub.endpoint(), hub.token(), hub.cacheDir(), hub.offline())
                        .download(repoId, hub.revision());
            } catch (ModelDownloadException e) {
                throw new StartupException(e.getMessage(), e);
            }
            return check(snapshot);
        }
    }

    /** The source {@code settings} name; a local directory is checked now. */
    static ModelSource of(VelaSettings settings) {
        if (settings.model().isEmpty()) {
            Path demo = DemoModel.ensure(settings.cacheDir());
            return new Local(demo.toString(), check(demo));
        }
        String model = settings.model().get();
        Path path = Path.of(model);
        if (!Files.exists(path)) {
            if (HfHubDownloader.isRepoId(model)) {
                return new Hub(model, settings.hub());
            }
            throw new StartupException("--model " + model + ": no such directory, and not a Hugging Face "
                    + "repository id (org/name)", null);
        }
        return new Local(model, check(path));
    }

    /**
     * Opens the directory and every safetensors header, so a missing, incomplete or corrupt model
     * is refused with a message naming the file before anything is loaded.
     */
    static HfModelDirectory check(Path dir) {
        LOG.info("Checking the model in " + dir);
        try {
            HfModelDirectory model = HfModelDirectory.open(dir);
            SafetensorsModelWeights.open(model.modelFiles()).close();
            return model;
        } catch (ModelDirectoryException e) {
            throw new StartupException("the model in " + dir + " cannot be served: " + e.getMessage(), e);
        }
    }
}
