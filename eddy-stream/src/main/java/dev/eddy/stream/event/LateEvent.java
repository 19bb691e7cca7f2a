package dev.eddy.stream.event;

/**
 * An event that came after its minute's allowed lateness: not counted, kept on
 * {@code eddy.events.late} as it was received.
 *
 * @param eventJson the event's canonical JSON, unchanged
 * @param lateByMs how far the job's event time (its watermark) was ahead of the event's
 *     timestamp when the event arrived
 */
public record LateEvent(byte[] eventJson, long lateByMs) {}
