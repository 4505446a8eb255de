package dev.vela.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The server's Prometheus metrics, read over HTTP as a monitoring system reads them. */
final class Metrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Metrics() {
    }

    /** Each unlabelled-name sample summed over its labels, e.g. {@code vllm:num_requests_waiting}. */
    static Map<String, Double> read(String url) {
        String text;
        try {
            text = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/plain").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            int valueStart = line.lastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= nameEnd) {
                continue;
            }
            try {
                samples.merge(line.substring(0, nameEnd), Double.parseDouble(line.substring(valueStart + 1)), Double::sum);
            } catch (NumberFormatException e) {
                // A sample this reader does not need (a timestamp or an exemplar): skip it.
            }
        }
        return samples;
    }

    /** Polls the running and waiting gauges until interrupted, keeping their highest values. */
    static final class Peak implements Runnable {
        private final String url;
        private volatile double running;
        private volatile double waiting;

        Peak(String url) {
            this.url = url;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                Map<String, Double> now = read(url);
                running = Math.max(running, now.getOrDefault("vllm:num_requests_running", 0.0));
                waiting = Math.max(waiting, now.getOrDefault("vllm:num_requests_waiting", 0.0));
                try {
                    Thread.sleep(Duration.ofMillis(200));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double running() {
            return running;
        }

        double waiting() {
            return waiting;
        }
    }
}
