package dev.vela.adapters.hf;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A Hugging Face hub on localhost, in the hub's URL layout: {@code GET /api/models/{repo}} lists a
 * repository's files and {@code GET /{repo}/resolve/{commit}/{file}} serves one. With a CDN, file
 * requests are redirected there, as the real hub does for large files. Every request is recorded
 * with its Authorization header.
 */
final class FakeHub implements AutoCloseable {

    static final String COMMIT = "3865e12f0123456789abcdef0123456789abcdef";

    /** A request the hub (or its CDN) received. */
    record Request(String path, String authorization) {
    }

    private final HttpServer server;
    private final HttpServer cdn;
    private final String repo;
    private final Map<String, byte[]> files;
    final List<Request> hubRequests = new CopyOnWriteArrayList<>();
    final List<Request> cdnRequests = new CopyOnWriteArrayList<>();

    FakeHub(String repo, Map<String, byte[]> files, boolean redirectToCdn) {
        this.repo = repo;
        this.files = files;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> hub(exchange, redirectToCdn));
        cdn.createContext("/", exchange -> {
            cdnRequests.add(request(exchange));
            serveFile(exchange, exchange.getRequestURI().getPath().substring("/files/".length()));
        });
        server.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void hub(HttpExchange exchange, boolean redirectToCdn) throws IOException {
        hubRequests.add(request(exchange));
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/models/" + repo)) {
            String siblings = files.keySet().stream().map(f -> "{\"rfilename\": \"" + f + "\"}")
                    .collect(Collectors.joining(", "));
            send(exchange, 200, ("{\"id\": \"" + repo + "\", \"sha\": \"" + COMMIT + "\", \"siblings\": [" + siblings
                    + "]}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String prefix = "/" + repo + "/resolve/" + COMMIT + "/";
        if (!path.startsWith(prefix)) {
            send(exchange, 404, "{\"error\": \"Repository not found\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String file = path.substring(prefix.length());
        if (redirectToCdn) {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/files/" + file);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        serveFile(exchange, file);
    }

    private void serveFile(HttpExchange exchange, String file) throws IOException {
        byte[] bytes = files.get(file);
        if (bytes == null) {
            send(exchange, 404, new byte[0]);
            return;
        }
        send(exchange, 200, bytes);
    }

    private static Request request(HttpExchange exchange) {
        return new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        cdn.stop(0);
    }
}
