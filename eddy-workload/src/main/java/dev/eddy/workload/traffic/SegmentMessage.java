package dev.eddy.workload.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;

/**
 * One generated message: the canonical {@link Event} it stands for (what ground truth counts)
 * and the Segment JSON object sent on the wire (an element of a {@code /v1/batch} request).
 * The JSON is derived from the event and never mutated.
 *
 * @param sequence position in the generated stream, from 0
 */
public record SegmentMessage(long sequence, Event event, ObjectNode json) {

    public String messageId() {
        return event.messageId();
    }

    /** The Segment JSON as UTF-8 bytes: identical for identical generator inputs. */
    public byte[] bytes() {
        try {
            return EventJson.MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a generated message is always serialisable", e);
        }
    }
}
