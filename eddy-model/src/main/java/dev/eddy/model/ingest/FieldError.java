package dev.eddy.model.ingest;

/**
 * One reason a message was rejected, in the shape of the ingest error contract
 * ({@code {"index":i,"field":"…","message":"…"}}).
 *
 * @param index position of the message in the request ({@code 0} for a single call, the array
 *     index in a batch), or {@link #REQUEST} when the request as a whole is unusable
 * @param field the offending field by its wire name; {@code ""} for the message as a whole
 * @param message what is wrong, for a human reading the response
 */
public record FieldError(int index, String field, String message) {

    /** Index of an error about the whole request rather than one message in it. */
    public static final int REQUEST = -1;

    /** Field name of an error about the whole message (its size, its JSON shape). */
    public static final String WHOLE_MESSAGE = "";
}
