package dev.eddy.model.metrics;

import java.time.Instant;

/**
 * One row of the per-minute metrics view: for the event-time minute [start, start + 1 min) and
 * one series (the track event's name, {@code page} or {@code screen}), the event count and the
 * exact number of distinct users. {@code isFinal} is false while the minute is still open and
 * becomes true once the watermark passed its end (late events within the allowed lateness
 * still update a final row).
 *
 * <p>A row of the pages view has the same shape: {@code event} is the page (a path, or a
 * screen's name), {@code count} its views, {@code users} its distinct visitors.
 */
public record MinuteMetric(Instant start, String event, long count, long users, boolean isFinal) {}
