package dev.eddy.handlers.webhook;

import java.time.Duration;

/**
 * What one post of an event came to.
 *
 * @param kind delivered, worth another attempt, or never going to work
 * @param status the HTTP status answered, or 0 when none was (connection refused, timeout)
 * @param reason why it failed, for the dead-letter record and the log; empty when delivered
 * @param retryAfter how long the receiver asked to be left alone ({@code Retry-After}), zero when it did not
 */
public record Outcome(Kind kind, int status, String reason, Duration retryAfter) {

    public enum Kind { DELIVERED, RETRY, FAILED }

    public Outcome(Kind kind, int status, String reason) {
        this(kind, status, reason, Duration.ZERO);
    }

    /**
     * By HTTP status: 2xx delivered; 408, 425, 429 and 5xx are the receiver's passing trouble, so
     * retry, after at least {@code retryAfter} (the answer's {@code Retry-After}, zero without);
     * any other status (a 4xx, or a redirect, which a webhook must not need) will not change by
     * retrying the same request.
     */
    public static Outcome ofStatus(int status, Duration retryAfter) {
        if (status >= 200 && status < 300) return new Outcome(Kind.DELIVERED, status, "");
        boolean passing = status == 408 || status == 425 || status == 429 || status >= 500;
        return new Outcome(passing ? Kind.RETRY : Kind.FAILED, status, "answered HTTP " + status,
                passing ? retryAfter : Duration.ZERO);
    }

    /** The event cannot make a valid request (e.g. a header from a foreign producer): retrying will not change that. */
    public static Outcome unpostable(String reason) {
        return new Outcome(Kind.FAILED, 0, reason);
    }

    /** No answer at all: the receiver may be restarting or overloaded, so retry. */
    public static Outcome noAnswer(String reason) {
        return new Outcome(Kind.RETRY, 0, reason);
    }
}
