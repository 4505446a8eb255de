package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub repositories are fetched into huggingface_hub's cache layout, from a hub on localhost. */
class HfHubDownloaderTest {

    private static final String REPO = "deepseek-ai/tiny";
    private static Map<String, byte[]> model;

    @TempDir
    Path cache;

    @BeforeAll
    static void writeModel(@TempDir Path temp) throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 3, temp.resolve("tiny"));
        model = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                model.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        model.put("README.md", "not needed".getBytes(StandardCharsets.UTF_8));
    }

    private HfHubDownloader downloader(URI endpoint, Optional<String> token) {
        return new HfHubDownloader(endpoint, token, cache, false);
    }

    @Test
    void aRepositoryIsDownloadedIntoTheHuggingFaceCacheLayout() throws IOException {
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            Path snapshot = downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
            Path repoDir = cache.resolve("models--deepseek-ai--tiny");
            assertEquals(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT), snapshot);
            assertEquals(FakeHub.COMMIT, Files.readString(repoDir.resolve("refs").resolve("main")));
            for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors")) {
                assertArrayEquals(model.get(file), Files.readAllBytes(snapshot.resolve(file)), file);
            }
            assertFalse(Files.exists(snapshot.resolve("README.md")), "only the files Vela serves from are fetched");
            assertEquals(ModelPreset.TINY.config(WeightType.FLOAT32).hiddenSize(),
                    HfModelDirectory.open(snapshot).config().hiddenSize());
        }
    }

    @Test
    void aTokenizerIsDownloadedWithoutTheWeights() throws IOException {
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            Path snapshot = downloader(hub.endpoint(), Optional.empty()).downloadTokenizer(REPO, "main");
            for (String file : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
                assertArrayEquals(model.get(file), Files.readAllBytes(snapshot.resolve(file)), file);
            }
            assertFalse(Files.exists(snapshot.resolve("model.safetensors")), "the weights come from the GGUF file");
        }
    }

    @Test
    void filesAlreadyInTheCacheAreNotFetchedAgain() {
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
            hub.hubRequests.clear();
            downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
            assertEquals(List.of("/api/models/" + REPO), hub.hubRequests.stream().map(FakeHub.Request::path).toList());
        }
    }

    @Test
    void theTokenGoesToTheHubButNotToTheServerItRedirectsTo() {
        try (FakeHub hub = new FakeHub(REPO, model, true)) {
            downloader(hub.endpoint(), Optional.of("hf_secret")).download(REPO, "main");
            assertTrue(hub.hubRequests.stream().allMatch(r -> "Bearer hf_secret".equals(r.authorization())));
            assertFalse(hub.cdnRequests.isEmpty(), "files came from the redirect target");
            hub.cdnRequests.forEach(r -> assertNull(r.authorization(), r.path()));
        }
    }

    @Test
    void eachFileReportsItsProgressInBytesAndPercent() {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(HfHubDownloader.class.getName());
        log.addHandler(capture);
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
        } finally {
            log.removeHandler(capture);
        }
        String size = HfHubDownloader.bytes(model.get("model.safetensors").length);
        assertTrue(lines.contains("Downloading model.safetensors (" + size + ")"), lines.toString());
        assertTrue(lines.contains("model.safetensors: " + size + " of " + size + " (100%), done"), lines.toString());
    }

    @Test
    void anUnreachableHubIsOneLineThatNamesTheRepositoryAndTheEndpoint() {
        URI nowhere = closedPort();
        ModelDownloadException e = assertThrows(ModelDownloadException.class,
                () -> downloader(nowhere, Optional.empty()).download(REPO, "main"));
        assertTrue(e.getMessage().startsWith("cannot download " + REPO + ": " + nowhere + " is not reachable ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void withoutTheNetworkACachedCopyIsServed() {
        Path snapshot;
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            snapshot = downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
        }
        assertEquals(snapshot, downloader(closedPort(), Optional.empty()).download(REPO, "main"));
        assertEquals(snapshot, new HfHubDownloader(closedPort(), Optional.empty(), cache, true).download(REPO, "main"));
    }

    @Test
    void offlineWithoutACachedCopyIsRefused() {
        ModelDownloadException e = assertThrows(ModelDownloadException.class,
                () -> new HfHubDownloader(closedPort(), Optional.empty(), cache, true).download(REPO, "main"));
        assertEquals(REPO + ": not in the Hugging Face cache " + cache + " and HF_HUB_OFFLINE is set", e.getMessage());
    }

    @Test
    void anUnknownRepositoryNamesTheHubsAnswer() {
        try (FakeHub hub = new FakeHub(REPO, model, false)) {
            ModelDownloadException e = assertThrows(ModelDownloadException.class,
                    () -> downloader(hub.endpoint(), Optional.empty()).download("nobody/nothing", "main"));
            assertEquals("nobody/nothing: not found at " + hub.endpoint() + "/api/models/nobody/nothing (HTTP 404)",
                    e.getMessage());
        }
    }

    @Test
    void aRepositoryWithoutATokenizerIsRefusedBeforeDownloadingWeights() {
        Map<String, byte[]> noTokenizer = new LinkedHashMap<>(model);
        noTokenizer.remove("tokenizer.json");
        try (FakeHub hub = new FakeHub(REPO, noTokenizer, false)) {
            ModelDownloadException e = assertThrows(ModelDownloadException.class,
                    () -> downloader(hub.endpoint(), Optional.empty()).download(REPO, "main"));
            assertTrue(e.getMessage().startsWith(REPO + " has no tokenizer.json at revision main"), e.getMessage());
            assertTrue(hub.hubRequests.stream().noneMatch(r -> r.path().endsWith(".safetensors")));
        }
    }

    @Test
    void aShardedCheckpointFetchesTheShardsItsIndexNamesAndNoConsolidatedCopy() {
        Map<String, byte[]> sharded = new LinkedHashMap<>(model);
        byte[] weights = sharded.remove("model.safetensors");
        sharded.put("model-00001-of-00001.safetensors", weights);
        sharded.put("consolidated.safetensors", weights);
        sharded.put("model.safetensors.index.json", ("{\"metadata\": {}, \"weight_map\": {\"model.norm.weight\": "
                + "\"model-00001-of-00001.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
        try (FakeHub hub = new FakeHub(REPO, sharded, false)) {
            Path snapshot = downloader(hub.endpoint(), Optional.empty()).download(REPO, "main");
            assertTrue(Files.exists(snapshot.resolve("model-00001-of-00001.safetensors")));
            assertFalse(Files.exists(snapshot.resolve("consolidated.safetensors")));
            assertEquals(List.of(snapshot.resolve("model-00001-of-00001.safetensors")),
                    HfModelDirectory.open(snapshot).modelFiles());
        }
    }

    @Test
    void anIndexMappingATensorToSomethingOtherThanAFileNameIsRefusedBeforeDownloadingWeights() {
        Map<String, byte[]> sharded = new LinkedHashMap<>(model);
        sharded.put("model-00001-of-00001.safetensors", sharded.remove("model.safetensors"));
        sharded.put("model.safetensors.index.json", ("{\"weight_map\": {\"model.norm.weight\": "
                + "\"model-00001-of-00001.safetensors\", \"lm_head.weight\": 2}}").getBytes(StandardCharsets.UTF_8));
        try (FakeHub hub = new FakeHub(REPO, sharded, false)) {
            ModelDirectoryException e = assertThrows(ModelDirectoryException.class,
                    () -> downloader(hub.endpoint(), Optional.empty()).download(REPO, "main"));
            assertEquals("model.safetensors.index.json: \"weight_map\" must map tensor names to file names, got 2 for "
                    + "lm_head.weight", e.getMessage());
            assertTrue(hub.hubRequests.stream().noneMatch(r -> r.path().endsWith(".safetensors")));
        }
    }

    @Test
    void anIndexListingNoShardsIsRefused() {
        Map<String, byte[]> sharded = new LinkedHashMap<>(model);
        sharded.put("model.safetensors.index.json", "{\"weight_map\": {}}".getBytes(StandardCharsets.UTF_8));
        try (FakeHub hub = new FakeHub(REPO, sharded, false)) {
            ModelDirectoryException e = assertThrows(ModelDirectoryException.class,
                    () -> downloader(hub.endpoint(), Optional.empty()).download(REPO, "main"));
            assertEquals("model.safetensors.index.json: \"weight_map\" lists no shards", e.getMessage());
        }
    }

    @Test
    void onlyOrgSlashNameIsARepositoryId() {
        assertTrue(HfHubDownloader.isRepoId("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"));
        assertTrue(HfHubDownloader.isRepoId("Qwen/Qwen2.5-0.5B-Instruct"));
        assertFalse(HfHubDownloader.isRepoId("/models/qwen"));
        assertFalse(HfHubDownloader.isRepoId("models/qwen/extra"));
        assertFalse(HfHubDownloader.isRepoId("qwen"));
    }

    private static URI closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
