package dev.eddy.server.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body up to a limit, decompressing {@code Content-Encoding: gzip}. The limit
 * applies to the decompressed bytes, as Segment's 500 KB does; reading stops one byte past it so
 * an oversized or gzip-bomb body never sits in memory whole.
 */
final class RequestBody {
    private RequestBody() {}

    /** A body over the limit. */
    static final class TooLarge extends Exception {
        TooLarge(long limit) {
            super("request body exceeds " + limit / 1000 + " KB");
        }
    }

    static byte[] read(InputStream raw, String contentEncoding, int limit) throws IOException, TooLarge {
        InputStream in = contentEncoding != null && contentEncoding.trim().equalsIgnoreCase("gzip")
                ? new GZIPInputStream(raw) : raw;
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) throw new TooLarge(limit);
        return bytes;
    }
}
