package dev.eddy.server.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body up to a limit, decompressing {@code Content-Encoding: gzip}; any other
 * encoding is refused (415) rather than read as JSON. The limit applies to the decompressed
 * bytes, as Segment's 500 KB does; reading stops one byte past it so an oversized or gzip-bomb
 * body never sits in memory whole.
 */
final class RequestBody {
    private RequestBody() {}

    /** A body that cannot be read: the status to answer, and why, for the field that caused it. */
    static final class Refused extends Exception {
        final int status;
        final String field;

        private Refused(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    static byte[] read(InputStream raw, String contentEncoding, int limit) throws IOException, Refused {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        byte[] bytes = switch (encoding) {
            case "", "identity" -> raw.readNBytes(limit + 1);
            case "gzip", "x-gzip" -> gunzip(raw, limit + 1);
            default -> throw new Refused(415, "Content-Encoding",
                    "unsupported Content-Encoding '" + contentEncoding.trim() + "': send gzip or no encoding");
        };
        if (bytes.length > limit) {
            throw new Refused(413, "", "request body exceeds " + limit / 1024 + " KB: send smaller batches");
        }
        return bytes;
    }

    private static byte[] gunzip(InputStream raw, int max) throws IOException, Refused {
        try {
            return new GZIPInputStream(raw).readNBytes(max);
        } catch (ZipException notGzip) {
            throw new Refused(400, "Content-Encoding", "body is not valid gzip: " + notGzip.getMessage());
        } catch (EOFException cutOff) {
            // Jetty's EofException, a subclass, is the client going away: no answer to give it
            if (cutOff.getClass() != EOFException.class) throw cutOff;
            throw new Refused(400, "Content-Encoding", "body is not valid gzip: " + cutOff.getMessage());
        }
    }
}
