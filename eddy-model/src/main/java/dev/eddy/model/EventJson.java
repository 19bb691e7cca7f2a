package dev.eddy.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The JSON codec of the canonical {@link Event}: the value format of {@code eddy.events}. */
public final class EventJson {

    /** Shared, thread-safe mapper: ISO-8601 instants, unknown fields tolerated for forward compatibility. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // after JavaTimeModule, so its serializer of instants is the one used
            .addModule(new SimpleModule("InstantText").addSerializer(Instant.class, new InstantAsText()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private EventJson() {}

    /**
     * Writes instants as JavaTimeModule does ({@code Instant.toString()}) through
     * {@link InstantText}: an encoded event holds four.
     */
    private static final class InstantAsText extends StdSerializer<Instant> {
        InstantAsText() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(InstantText.format(value));
        }
    }

    public static byte[] encode(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.messageId(), e);
        }
    }

    /** @throws IOException when the bytes are not a canonical event */
    public static Event decode(byte[] json) throws IOException {
        return MAPPER.readValue(json, Event.class);
    }
}
