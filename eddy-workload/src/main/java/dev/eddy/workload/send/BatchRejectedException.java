package dev.eddy.workload.send;

/**
 * The server refused a batch with a status that retrying cannot fix (400, 401, 413, ...). For
 * generated traffic a 400 means the generator wrote something the server does not accept: a bug.
 */
public final class BatchRejectedException extends SendFailedException {
    private final int status;
    private final String body;

    public BatchRejectedException(int status, String body, String firstMessageId) {
        super("server rejected the batch starting with messageId " + firstMessageId + ": HTTP " + status + " " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The server's response body, verbatim. */
    public String body() {
        return body;
    }
}
