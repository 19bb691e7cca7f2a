package dev.eddy.stream.sessions;

/**
 * An event the per-minute series counted, as the sessions need it: its visitor and its time. No
 * JSON bytes: every counted event of a visitor crosses the network once more as one of these.
 *
 * @param visitorKey {@code Event#visitorKey()}, never null
 * @param timestampMillis event time, epoch milliseconds
 */
public record Visit(String visitorKey, long timestampMillis) {}
