package dev.vela.bootstrap;

import dev.vela.adapters.hf.GgufModelWeights;
import dev.vela.adapters.hf.HfHubDownloader;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.ModelDirectoryException;
import dev.vela.adapters.hf.ModelDownloadException;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Where the served model comes from ({@code --model}): a local directory, checked before the server
 * listens so a broken one stops start-up at once; a Hugging Face hub repository id, downloaded
 * once the server listens (probes answer 503 meanwhile); a GGUF file with the Hugging Face
 * tokenizer {@code --tokenizer} names (the file is checked at once, a hub tokenizer downloaded
 * once the server listens); or, without {@code --model}, the built-in demo model.
 */
sealed interface ModelSource {

    Logger LOG = Logger.getLogger(ModelSource.class.getName());
    /** How a GGUF file's name ends, so a missing one is not taken for a hub repository id. */
    String GGUF = ".gguf";

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
            return check(fetch(hub, downloader -> downloader.download(repoId, hub.revision())));
        }
    }

    /** A GGUF file whose tokenizer is a repository on the hub, fetched on first use; the file is already checked. */
    record GgufWithHubTokenizer(String root, Path file, String tokenizerRepoId, VelaSettings.HubSettings hub)
            implements ModelSource {

        @Override
        public HfModelDirectory directory() {
            LOG.info("Fetching the tokenizer " + tokenizerRepoId + " from " + hub.endpoint() + " into " + hub.cacheDir());
            return checkGguf(file, fetch(hub, downloader -> downloader.downloadTokenizer(tokenizerRepoId, hub.revision())));
        }
    }

    /** A snapshot {@code download} fetches from the hub; a failed download stops start-up with its one line. */
    private static Path fetch(VelaSettings.HubSettings hub, Function<HfHubDownloader, Path> download) {
        try {
            return download.apply(new HfHubDownloader(hub.endpoint(), hub.token(), hub.cacheDir(), hub.offline()));
        } catch (ModelDownloadException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /** The source {@code settings} name; a local directory or GGUF file is checked now. */
    static ModelSource of(VelaSettings settings) {
        if (settings.model().isEmpty()) {
            refuseTokenizer(settings, "the built-in demo model");
            Path demo = DemoModel.ensure(settings.cacheDir());
            return new Local(demo.toString(), check(demo));
        }
        String model = settings.model().get();
        Path path = Path.of(model);
        if (Files.isRegularFile(path) || model.endsWith(GGUF)) {
            return gguf(settings, model, path);
        }
        refuseTokenizer(settings, "a model directory or hub model");
        if (!Files.exists(path)) {
            if (HfHubDownloader.isRepoId(model)) {
                return new Hub(model, settings.hub());
            }
            throw new StartupException("--model " + model + ": no such directory, and not a Hugging Face "
                    + "repository id (org/name)", null);
        }
        return new Local(model, check(path));
    }

    private static ModelSource gguf(VelaSettings settings, String model, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException("--model " + model + ": no such GGUF file", null);
        }
        String tokenizer = settings.tokenizer().orElseThrow(() -> new StartupException("--model " + model
                + " is a GGUF file: --tokenizer must name its Hugging Face tokenizer (a directory or a hub "
                + "repository id), as vLLM requires", null));
        Path tokenizerDir = Path.of(tokenizer);
        if (Files.exists(tokenizerDir)) {
            return new Local(model, checkGguf(file, tokenizerDir));
        }
        if (!HfHubDownloader.isRepoId(tokenizer)) {
            throw new StartupException("--tokenizer " + tokenizer + ": no such directory, and not a Hugging Face "
                    + "repository id (org/name)", null);
        }
        LOG.info("Checking the GGUF file " + file);
        try {
            GgufModelWeights.open(file).close();
        } catch (ModelDirectoryException e) {
            throw new StartupException("the GGUF file " + file + " cannot be served: " + e.getMessage(), e);
        }
        return new GgufWithHubTokenizer(model, file, tokenizer, settings.hub());
    }

    /** vLLM reads {@code --tokenizer} for any model; Vela reads it for GGUF files only, and says so rather than ignore it. */
    private static void refuseTokenizer(VelaSettings settings, String what) {
        settings.tokenizer().ifPresent(tokenizer -> {
            throw new SettingsException("--tokenizer (vela.tokenizer) is read for a GGUF --model only; " + what
                    + " brings its own tokenizer");
        });
    }

    /** Reads and checks the GGUF file and the tokenizer directory, so either one broken stops start-up at once. */
    static HfModelDirectory checkGguf(Path file, Path tokenizerDir) {
        LOG.info("Checking the GGUF file " + file + " with the tokenizer in " + tokenizerDir);
        try {
            return HfModelDirectory.gguf(file, tokenizerDir);
        } catch (ModelDirectoryException e) {
            throw new StartupException("the GGUF file " + file + " cannot be served: " + e.getMessage(), e);
        }
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
