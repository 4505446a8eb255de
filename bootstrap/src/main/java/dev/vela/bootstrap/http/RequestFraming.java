package dev.vela.bootstrap.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a request's head says unambiguously where its body ends (RFC 9112 section 6): one
 * Content-Length of digits, or Transfer-Encoding chunked and no Content-Length. Anything else
 * cannot be read safely (a negative length would be read as chunks and wait for ever; two lengths
 * are how requests are smuggled past proxies) and is refused before the body is touched.
 */
final class RequestFraming {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private RequestFraming() {
    }

    /** What is wrong with the framing, or empty when the body can be read. */
    static Optional<String> problem(ServerRequestHeaders headers) {
        List<String> lengths = headers.all(HeaderNames.CONTENT_LENGTH, List::of);
        Set<String> distinct = new LinkedHashSet<>();
        for (String header : lengths) {
            for (String value : header.split(",", -1)) {
                String length = value.strip();
                if (!DIGITS.matcher(length).matches()) {
                    return Optional.of("Invalid Content-Length header: '" + printable(header) + "'");
                }
                distinct.add(String.valueOf(Long.parseLong(length)));
            }
        }
        if (distinct.size() > 1) {
            return Optional.of("Conflicting Content-Length headers: " + String.join(", ", distinct));
        }
        List<String> codings = headers.all(HeaderNames.TRANSFER_ENCODING, List::of);
        if (!codings.isEmpty()) {
            String coding = String.join(",", codings).strip().toLowerCase(Locale.ROOT);
            if (!coding.equals("chunked")) {
                return Optional.of("Unsupported Transfer-Encoding: '" + printable(String.join(", ", codings))
                        + "'; only 'chunked' is accepted");
            }
            if (!lengths.isEmpty()) {
                return Optional.of("A request may not have both Content-Length and Transfer-Encoding");
            }
        }
        return Optional.empty();
    }

    private static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
