package dev.eddy.model.ingest;

/** Limits ingest applies to each message, whatever protocol brought it. */
public final class IngestLimits {

    /** Largest message accepted, measured on its JSON bytes: Segment's limit of 32 KB per call. */
    public static final int MAX_EVENT_BYTES = 32 * 1024;

    /** Longest {@code event} name of a track call, in characters (Unicode code points). */
    public static final int MAX_EVENT_NAME_CHARS = 200;

    private IngestLimits() {}

    /** @return the size error for a message of {@code bytes} bytes, or null when within the limit */
    static FieldError sizeError(int index, long bytes) {
        if (bytes <= MAX_EVENT_BYTES) return null;
        return new FieldError(index, FieldError.WHOLE_MESSAGE,
                "message is " + bytes + " bytes, the limit is " + MAX_EVENT_BYTES + " bytes");
    }
}
