package dev.eddy.model.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic message ids for Segment messages sent without one, so that a retried request
 * maps to the same id and is dropped as a duplicate downstream.
 */
final class MessageIds {

    private MessageIds() {}

    /**
     * A UUID (version 8, RFC 9562's custom layout) made of the first 122 bits of
     * SHA-256(writeKey, 0x00, messageBytes). The write key is part of the hash so two sources
     * sending the same payload do not collapse into one event.
     */
    static String derive(String writeKey, byte[] messageBytes) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha256.update((writeKey == null ? "" : writeKey).getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        ByteBuffer hash = ByteBuffer.wrap(sha256.digest(messageBytes));
        long msb = (hash.getLong() & ~0xF000L) | 0x8000L;
        long lsb = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
