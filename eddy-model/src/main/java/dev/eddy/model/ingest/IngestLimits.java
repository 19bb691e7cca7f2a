package dev.eddy.model.ingest;

import dev.eddy.model.metrics.ViewLimits;

/** Limits ingest applies to each message, whatever protocol brought it. */
public final class IngestLimits {

    /** Largest message accepted, measured on its JSON bytes: Segment's limit of 32 KB per call. */
    public static final int MAX_EVENT_BYTES = 32 * 1024;

    private IngestLimits() {}

    /** Records an error on {@code field} when {@code name} cannot be an event name in the views ({@link ViewLimits}). */
    static void checkEventName(MessageFields fields, String field, String name) {
        String problem = name == null ? null : ViewLimits.eventNameProblem(name);
        if (problem != null) fields.error(field, field + " " + problem);
    }

    /** @return the size error for a message of {@code bytes} bytes, or null when within the limit */
    static FieldError sizeError(int index, long bytes) {
        if (bytes <= MAX_EVENT_BYTES) return null;
        return new FieldError(index, FieldError.WHOLE_MESSAGE,
                "message is " + bytes + " bytes, the limit is " + MAX_EVENT_BYTES + " bytes");
    }
}
