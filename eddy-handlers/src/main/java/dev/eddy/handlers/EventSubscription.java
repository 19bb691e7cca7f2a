package dev.eddy.handlers;

import dev.eddy.bus.publish.CloudEventHeaders;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A handler of events: those on {@code eddy.events} its matcher takes, each posted under its dedup key. */
record EventSubscription(EventMatcher matcher) implements Subscription {

    @Override
    public String topic() {
        return Topics.EVENTS;
    }

    /** By the {@code ce_type} header, see {@link EventMatcher#mayMatchCeType}; a record without one is decoded. */
    @Override
    public boolean mayTake(Headers headers) {
        Header ceType = headers.lastHeader(CloudEventHeaders.TYPE);
        return ceType == null || ceType.value() == null
                || matcher.mayMatchCeType(new String(ceType.value(), StandardCharsets.UTF_8));
    }

    @Override
    public Optional<String> take(byte[] value) throws Unreadable {
        Event event;
        try {
            event = EventJson.decode(value);
        } catch (IOException | RuntimeException notAnEvent) {
            // any Kafka client may write to eddy.events
            throw new Unreadable("not a canonical event", notAnEvent);
        }
        return matcher.matches(event) ? Optional.of(event.dedupKey()) : Optional.empty();
    }
}
