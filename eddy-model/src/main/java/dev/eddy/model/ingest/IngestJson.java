package dev.eddy.model.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reading request bodies as JSON the way every ingest mapping expects them. */
public final class IngestJson {

    /** Fails on content after the JSON value, which a lenient parse would silently drop. */
    private static final ObjectReader STRICT =
            EventJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Longest body kept as text in an invalid record's raw, in bytes once written as JSON. */
    static final int MAX_RAW_TEXT_BYTES = 768 * 1024;

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

    /** The request-level rejection of a body that {@link #read} could not parse; raw is the body as {@link #text}. */
    public static MappedEvent notJson(byte[] body, JsonProcessingException e) {
        return MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE,
                "body is not valid JSON: " + e.getOriginalMessage(), text(body));
    }

    /**
     * A body kept as raw: its text, or {@code {"bodyBase64":…}} when it is not UTF-8 or its text
     * would not fit (see {@link #putBody}).
     */
    static JsonNode text(byte[] body) {
        String text = textThatFits(body);
        return text != null ? TextNode.valueOf(text)
                : JsonNodeFactory.instance.objectNode().put("bodyBase64", Base64.getEncoder().encodeToString(body));
    }

    /** Sets {@code body} to the body's text, or {@code bodyBase64} to the body when its text would not do (see {@link #textThatFits}). */
    static void putBody(ObjectNode raw, byte[] body) {
        String text = textThatFits(body);
        if (text != null) {
            raw.put("body", text);
        } else {
            raw.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        }
    }

    /**
     * The body's text, or null when it is not UTF-8 (decoding would replace bytes) or its text,
     * written as JSON, is over {@link #MAX_RAW_TEXT_BYTES}: an invalid record must fit in one
     * Kafka record (1 MB by default), and JSON escapes control bytes six times longer, so 500 KB
     * of them would not fit as text; base64 adds a third.
     */
    private static String textThatFits(byte[] body) {
        String text = utf8(body);
        return text != null && jsonLength(text) <= MAX_RAW_TEXT_BYTES ? text : null;
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int jsonLength(String text) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(text).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always writes as JSON", e);
        }
    }
}
