package dev.eddy.model.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reading request bodies as JSON the way every ingest mapping expects them. */
public final class IngestJson {

    /** Fails on content after the JSON value, which a lenient parse would silently drop. */
    private static final ObjectReader STRICT =
            EventJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private IngestJson() {}

    /**
     * Parses a request body. An empty body gives a missing node, which every mapping rejects
     * as "body must be a JSON object".
     *
     * @throws JsonProcessingException when the body is not one well-formed JSON value
     */
    public static JsonNode read(byte[] body) throws JsonProcessingException {
        try {
            return STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from a byte array does no I/O", e);
        }
    }

    /** The request-level rejection of a body that {@link #read} could not parse; raw is the body as text. */
    public static MappedEvent notJson(byte[] body, JsonProcessingException e) {
        return MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE,
                "body is not valid JSON: " + e.getOriginalMessage(), text(body));
    }

    static JsonNode text(byte[] body) {
        return TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
    }
}
