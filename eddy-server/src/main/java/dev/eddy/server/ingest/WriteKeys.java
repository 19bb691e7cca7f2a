package dev.eddy.server.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Segment's write-key authentication: the key is the HTTP Basic user name (password empty), or
 * {@code writeKey} in the JSON body, which browser clients use to avoid a CORS preflight.
 */
final class WriteKeys {
    private final Set<String> keys;

    WriteKeys(Set<String> keys) {
        this.keys = Set.copyOf(keys);
    }

    /** The Basic user name of an {@code Authorization} header, when it is one. */
    static Optional<String> basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return Optional.of(colon < 0 ? decoded : decoded.substring(0, colon));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    boolean accepts(String key) {
        return key != null && keys.contains(key);
    }
}
