package dev.vela.gpu.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPU check's results: one JSON object per measurement in {@code results.json} (a JSON array),
 * rewritten after every result so that a stage killed by its timeout keeps what it measured, and
 * echoed as a line on standard output (the stage's log).
 */
public final class Results {

    /** What a result says. */
    public enum Status {
        PASS, FAIL, SKIP, INFO
    }

    /**
     * One measurement.
     *
     * @param value  the measured number (NaN when there is none)
     * @param limit  what it is checked against, e.g. {@code <= 1e-2}; empty for information
     * @param detail anything else worth reading
     */
    public record Result(int stage, String name, Status status, double value, String unit, String limit, String detail) {

        String json() {
            return "{\"stage\":" + stage + ",\"name\":" + quote(name) + ",\"status\":\"" + status.name().toLowerCase(Locale.ROOT)
                    + "\",\"value\":" + (Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value) : "null")
                    + ",\"unit\":" + quote(unit) + ",\"limit\":" + quote(limit) + ",\"detail\":" + quote(detail) + "}";
        }

        String line() {
            return String.format(Locale.ROOT, "[stage %d] %-4s %-58s %12s %-8s %s %s", stage, status, name,
                    Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : "-", unit, limit, detail).strip();
        }
    }

    private static final Pattern OBJECT = Pattern.compile(
            "\\{\"stage\":(\\d+),\"name\":(\"(?:[^\"\\\\]|\\\\.)*\"),\"status\":\"(\\w+)\",\"value\":([^,]+),"
                    + "\"unit\":(\"(?:[^\"\\\\]|\\\\.)*\"),\"limit\":(\"(?:[^\"\\\\]|\\\\.)*\"),"
                    + "\"detail\":(\"(?:[^\"\\\\]|\\\\.)*\")\\}");

    private final Path file;
    private final List<Result> results;

    private Results(Path file, List<Result> results) {
        this.file = file;
        this.results = results;
    }

    /** The results in {@code directory/results.json}, those of earlier stages included. */
    public static Results in(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("results.json");
            return new Results(file, Files.exists(file) ? parse(Files.readString(file)) : new ArrayList<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Result> all() {
        return List.copyOf(results);
    }

    public Result add(int stage, String name, Status status, double value, String unit, String limit, String detail) {
        Result result = new Result(stage, name, status, value, unit, limit, detail);
        results.add(result);
        System.out.println(result.line());
        write();
        return result;
    }

    /** A measurement checked against an upper bound. */
    public Result atMost(int stage, String name, double value, double bound, String unit, String detail) {
        boolean pass = value <= bound;
        return add(stage, name, pass ? Status.PASS : Status.FAIL, value, unit, "<= " + bound, detail);
    }

    /** A measurement checked against a lower bound. */
    public Result atLeast(int stage, String name, double value, double bound, String unit, String detail) {
        boolean pass = value >= bound;
        return add(stage, name, pass ? Status.PASS : Status.FAIL, value, unit, ">= " + bound, detail);
    }

    public Result info(int stage, String name, double value, String unit, String detail) {
        return add(stage, name, Status.INFO, value, unit, "", detail);
    }

    public Result skip(int stage, String name, String why) {
        return add(stage, name, Status.SKIP, Double.NaN, "", "", why);
    }

    public Result fail(int stage, String name, String why) {
        return add(stage, name, Status.FAIL, Double.NaN, "", "", why);
    }

    public long count(Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    private void write() {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            json.append(results.get(i).json()).append(i + 1 < results.size() ? ",\n" : "\n");
        }
        json.append("]\n");
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, json, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Result> parse(String json) {
        List<Result> parsed = new ArrayList<>();
        Matcher m = OBJECT.matcher(json);
        while (m.find()) {
            String value = m.group(4);
            parsed.add(new Result(Integer.parseInt(m.group(1)), unquote(m.group(2)),
                    Status.valueOf(m.group(3).toUpperCase(Locale.ROOT)),
                    value.equals("null") ? Double.NaN : Double.parseDouble(value), unquote(m.group(5)),
                    unquote(m.group(6)), unquote(m.group(7))));
        }
        return parsed;
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        String body = quoted.substring(1, quoted.length() - 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = body.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
