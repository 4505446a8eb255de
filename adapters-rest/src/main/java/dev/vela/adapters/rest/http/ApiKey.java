package dev.vela.adapters.rest.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key clients must present on {@code /v1/*} ({@code --api-key}). Only its SHA-256 digest is
 * kept, and a presented key is compared digest to digest in constant time, so neither the key nor
 * how much of it a guess got right leaks through logs or timing.
 */
public final class ApiKey {

    private final byte[] digest;

    private ApiKey(byte[] digest) {
        this.digest = digest;
    }

    public static ApiKey of(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an API key cannot be empty");
        }
        return new ApiKey(sha256(key));
    }

    /**
     * True when {@code authorization} (the header's value, possibly null) is {@code Bearer <key>};
     * the scheme is case-insensitive, as in HTTP.
     */
    boolean acceptsAuthorization(String authorization) {
        String scheme = "bearer ";
        if (authorization == null || authorization.length() < scheme.length()
                || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(scheme.length())));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey[not shown]";
    }
}
