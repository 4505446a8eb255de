package dev.vela.adapters.hf;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Fetches the files Vela serves a model from (configs, tokenizer, chat template, safetensors) from
 * the Hugging Face hub into huggingface_hub's cache layout
 * ({@code models--org--name/snapshots/<commit>/<file>}, {@code refs/<revision>}), so a model
 * downloaded by Python tools is found here and the other way round. Files already in the snapshot
 * are not fetched again; each file is written beside the cache and moved into place once complete,
 * so an interrupted download leaves no partial file behind. Progress is logged per file.
 */
public final class HfHubDownloader {

    private static final Logger LOG = Logger.getLogger(HfHubDownloader.class.getName());
    /** {@code org/name}, as the hub names repositories. */
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> TEXT_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "chat_template.jinja");
    private static final String INDEX = HfModelDirectory.SHARD_INDEX;
    private static final int MAX_REDIRECTS = 10;
    /** Files at least this large report progress every tenth; smaller ones only when done. */
    private static final long PROGRESS_FROM_BYTES = 16L << 20;

    private final URI endpoint;
    private final Optional<String> token;
    private final Path cacheDir;
    private final boolean offline;
    private final HttpClient http;

    /**
     * @param endpoint the hub, {@code https://huggingface.co} unless {@code HF_ENDPOINT} says otherwise
     * @param token    sent as a bearer token to the hub (never to the CDN it redirects to)
     * @param cacheDir the hub cache ({@code HF_HUB_CACHE}, {@code $HF_HOME/hub} or {@code ~/.cache/huggingface/hub})
     * @param offline  {@code HF_HUB_OFFLINE}: use the cache only
     */
    public HfHubDownloader(URI endpoint, Optional<String> token, Path cacheDir, boolean offline) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.token = token.filter(t -> !t.isBlank());
        this.cacheDir = cacheDir;
        this.offline = offline;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** True for a string shaped like a hub repository id ({@code org/name}). */
    public static boolean isRepoId(String model) {
        return REPO_ID.matcher(model).matches();
    }

    /**
     * The snapshot directory of {@code repoId} at {@code revision}, downloading what it lacks.
     *
     * @throws ModelDownloadException when the hub cannot be reached (and the cache has no copy),
     *                                refuses access, or the repository lacks a file Vela needs
     */
    public Path download(String repoId, String revision) {
        return download(repoId, revision, true);
    }

    /**
     * The snapshot directory of {@code repoId} at {@code revision} with its tokenizer, chat template
     * and configs but not its weights: the tokenizer {@code --tokenizer} names for a GGUF file.
     *
     * @throws ModelDownloadException as {@link #download} does; the repository needs only a tokenizer.json
     */
    public Path downloadTokenizer(String repoId, String revision) {
        return download(repoId, revision, false);
    }

    private Path download(String repoId, String revision, boolean withWeights) {
        Path repoDir = cacheDir.resolve("models--" + repoId.replace("/", "--"));
        if (offline) {
            return cachedSnapshot(repoDir, revision).orElseThrow(() -> new ModelDownloadException(repoId
                    + ": not in the Hugging Face cache " + cacheDir + " and HF_HUB_OFFLINE is set"));
        }
        JsonObject info;
        try {
            info = modelInfo(repoId, revision);
        } catch (IOException e) {
            Optional<Path> cached = cachedSnapshot(repoDir, revision);
            if (cached.isPresent()) {
                LOG.warning("Cannot reach " + endpoint + " (" + describe(e) + "); using the cached copy of " + repoId
                        + " in " + cached.get());
                return cached.get();
            }
            throw new ModelDownloadException("cannot download " + repoId + ": " + endpoint + " is not reachable ("
                    + describe(e) + "); check the network or HF_ENDPOINT, or give --model a local directory", e);
        }
        String commit = info.get("sha") instanceof JsonString sha ? sha.getString() : revision;
        Path snapshot = repoDir.resolve("snapshots").resolve(commit);
        List<String> available = siblings(repoId, info);
        LOG.info("Model " + repoId + " (revision " + revision + ", commit " + commit + ") into " + snapshot);
        for (String file : textFiles(repoId, revision, available, withWeights)) {
            fetch(repoId, commit, file, repoDir, snapshot);
        }
        if (withWeights) {
            for (String file : weightFiles(repoId, revision, available, snapshot)) {
                fetch(repoId, commit, file, repoDir, snapshot);
            }
        }
        writeRef(repoDir, revision, commit);
        return snapshot;
    }

    private JsonObject modelInfo(String repoId, String revision) throws IOException {
        String path = "/api/models/" + repoId + ("main".equals(revision) ? "" : "/revision/" + encode(revision));
        HttpResponse<InputStream> response = send(repoId, path);
        try (InputStream body = response.body()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                return reader.readObject();
            } catch (JsonException | ClassCastException e) {
                throw new ModelDownloadException(repoId + ": " + endpoint + path + " did not answer with a model's "
                        + "description (is HF_ENDPOINT a Hugging Face hub?)", e);
            }
        }
    }

    private static List<String> siblings(String repoId, JsonObject info) {
        List<String> names = new ArrayList<>();
        if (info.get("siblings") instanceof JsonArray siblings) {
            for (JsonValue sibling : siblings) {
                if (sibling instanceof JsonObject file && file.get("rfilename") instanceof JsonString name) {
                    names.add(name.getString());
                }
            }
        }
        if (names.isEmpty()) {
            throw new ModelDownloadException(repoId + ": the hub lists no files for it");
        }
        return names;
    }

    /** Configs, tokenizer, chat template and the weights' index, when the repository has them. */
    private static List<String> textFiles(String repoId, String revision, List<String> available, boolean withWeights) {
        for (String required : withWeights ? List.of("config.json", "tokenizer.json") : List.of("tokenizer.json")) {
            if (!available.contains(required)) {
                throw new ModelDownloadException(repoId + " has no " + required + " at revision " + revision
                        + (withWeights ? "; Vela serves Hugging Face models with config.json, tokenizer.json and *.safetensors"
                        : "; --tokenizer must name a Hugging Face tokenizer"));
            }
        }
        List<String> files = new ArrayList<>(available.stream().filter(TEXT_FILES::contains).toList());
        if (withWeights && available.contains(INDEX)) {
            files.add(INDEX);
        }
        return files;
    }

    /**
     * The shards the index names, or every top-level {@code .safetensors} file when there is no
     * index; a repository that also holds a consolidated copy is not downloaded twice.
     */
    private static List<String> weightFiles(String repoId, String revision, List<String> available, Path snapshot) {
        List<String> weights = available.stream().filter(f -> f.endsWith(".safetensors") && !f.contains("/")).toList();
        if (weights.isEmpty()) {
            throw new ModelDownloadException(repoId + " has no .safetensors weights at revision " + revision
                    + " (only safetensors checkpoints are served)");
        }
        if (!available.contains(INDEX)) {
            return weights;
        }
        SortedSet<String> shards = HfModelDirectory.shardNames(JsonFile.read(snapshot.resolve(INDEX)));
        for (String shard : shards) {
            if (!weights.contains(shard)) {
                throw new ModelDownloadException(repoId + ": " + INDEX + " lists " + shard + ", which the repository lacks");
            }
        }
        return new ArrayList<>(shards);
    }

    private void fetch(String repoId, String commit, String file, Path repoDir, Path snapshot) {
        Path target = snapshot.resolve(file);
        if (Files.isRegularFile(target)) {
            LOG.info(file + ": already in the cache");
            return;
        }
        Path partial = repoDir.resolve("blobs").resolve(file + "." + UUID.randomUUID() + ".incomplete");
        String path = "/" + repoId + "/resolve/" + encode(commit) + "/" + file;
        try {
            Files.createDirectories(partial.getParent());
            Files.createDirectories(snapshot);
            HttpResponse<InputStream> response = send(repoId, path);
            long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            LOG.info("Downloading " + file + (size >= 0 ? " (" + bytes(size) + ")" : ""));
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                copy(file, in, out, size);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModelDownloadException("cannot download " + file + " of " + repoId + " from " + endpoint
                    + " (" + describe(e) + ")", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                LOG.fine("could not delete " + partial + ": " + e);
            }
        }
    }

    private static void copy(String file, InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long done = 0;
        int reportedTenth = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            done += n;
            if (size >= PROGRESS_FROM_BYTES) {
                int tenth = (int) (done * 10 / size);
                if (tenth > reportedTenth && tenth < 10) {
                    reportedTenth = tenth;
                    LOG.info(file + ": " + bytes(done) + " of " + bytes(size) + " (" + tenth * 10 + "%)");
                }
            }
        }
        if (size >= 0 && done != size) {
            throw new IOException("the connection closed after " + done + " of " + size + " bytes");
        }
        LOG.info(file + ": " + bytes(done) + (size >= 0 ? " of " + bytes(size) + " (100%)" : "") + ", done");
    }

    /** GET {@code path} on the hub, following redirects; the token goes only to the hub itself. */
    private HttpResponse<InputStream> send(String repoId, String path) throws IOException {
        URI uri = URI.create(endpoint + path);
        for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("User-Agent", "vela");
            if (token.isPresent() && sameOrigin(uri, endpoint)) {
                request.header("Authorization", "Bearer " + token.get());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                response.body().close();
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status == 200) {
                return response;
            }
            response.body().close();
            throw new ModelDownloadException(refusal(repoId, path, status));
        }
        throw new ModelDownloadException(repoId + ": more than " + MAX_REDIRECTS + " redirects from " + endpoint + path);
    }

    private String refusal(String repoId, String path, int status) {
        String where = endpoint + path;
        return switch (status) {
            case 401, 403 -> repoId + ": " + where + " refused access (HTTP " + status + "); the repository does not "
                    + "exist, or it is gated or private and needs HF_TOKEN" + (token.isPresent() ? " with access to it" : "");
            case 404 -> repoId + ": not found at " + where + " (HTTP 404)";
            default -> repoId + ": " + where + " answered HTTP " + status;
        };
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    /** The snapshot {@code refs/<revision>} points to (or a snapshot named by a commit), when it holds a model. */
    private static Optional<Path> cachedSnapshot(Path repoDir, String revision) {
        String commit = revision;
        Path ref = repoDir.resolve("refs").resolve(revision);
        try {
            if (Files.isRegularFile(ref)) {
                commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        Path snapshot = repoDir.resolve("snapshots").resolve(commit);
        return Files.isRegularFile(snapshot.resolve("config.json")) ? Optional.of(snapshot) : Optional.empty();
    }

    private static void writeRef(Path repoDir, String revision, String commit) {
        if (revision.equals(commit)) {
            return;
        }
        try {
            Path ref = repoDir.resolve("refs").resolve(revision);
            Files.createDirectories(ref.getParent());
            Files.writeString(ref, commit, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warning("Could not record " + revision + " = " + commit + " in the cache (" + e.getMessage()
                    + "); the next start without network will not find this download");
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                    ? kind + ": " + e.getCause().getMessage() : kind;
        }
        return kind + ": " + message;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
