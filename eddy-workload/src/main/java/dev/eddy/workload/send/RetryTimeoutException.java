package dev.eddy.workload.send;

/** A batch was still not acknowledged when its retry timeout ran out. */
public final class RetryTimeoutException extends SendFailedException {
    private final int attempts;

    public RetryTimeoutException(int attempts, String firstMessageId, String lastError) {
        super("gave up on the batch starting with messageId " + firstMessageId + " after " + attempts
                + " attempts; last error: " + lastError);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
