package dev.eddy.model.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps CloudEvents 1.0 received over the HTTP binding ({@code POST /v1/events}) onto canonical
 * {@link Event}s: structured mode ({@code application/cloudevents+json}), batch mode
 * ({@code application/cloudevents-batch+json}) and binary mode ({@code ce-*} headers, the body
 * as data).
 *
 * <p>Mapping: id → messageId, type → event (type {@link EventType#TRACK}), subject → userId (an
 * event without subject has no user and is keyed by its source), source → source, time →
 * timestamp and originalTimestamp (clamped like Segment's, no skew correction: CloudEvents have
 * no sentAt), data → properties when it is a JSON object, else {@code properties.data} (JSON
 * value, text for {@code text/*}, base64 for other binary data). specversion, datacontenttype,
 * dataschema and every extension attribute are kept in {@code context.cloudevents}.
 *
 * <p>Each event is checked against the spec with one error per problem: required id, source,
 * specversion ("1.0") and type (a name the views can hold, as a Segment event name: {@link
 * dev.eddy.model.metrics.ViewLimits#eventNameProblem}); time, dataschema and source well-formed;
 * extension names and values; data consistent with its content type; {@link
 * IngestLimits#MAX_EVENT_BYTES}. The SDK ({@code cloudevents-json-jackson}) then reads the
 * attributes into a {@link CloudEvent}.
 *
 * <p>A body that is not JSON (or not an object / array where one is needed) yields a single
 * {@link MappedEvent} with index {@link FieldError#REQUEST}; its raw is the body as text (or
 * base64, see {@link IngestJson#text}).
 *
 * <p>Thread-safe; one instance serves all requests.
 */
public final class CloudEventsMapping {

    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";
    /** Key of the event's context that keeps the CloudEvents attributes with no Event field. */
    public static final String CONTEXT_KEY = "cloudevents";

    private static final ObjectMapper CLOUDEVENTS_MAPPER =
            EventJson.MAPPER.copy().registerModule(JsonFormat.getCloudEventJacksonModule());
    private static final Set<String> CORE_ATTRIBUTES = Set.of("id", "source", "specversion", "type", "time",
            "subject", "dataschema", "datacontenttype", "data", "data_base64");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]+");
    private static final String HEADER_PREFIX = "ce-";
    private static final String CONTENT_TYPE = "content-type";

    private final EventClock clock;

    /** @param maxFutureSkew how far ahead of receivedAt an event time may be before it is clamped */
    public CloudEventsMapping(Duration maxFutureSkew) {
        this.clock = new EventClock(maxFutureSkew);
    }

    /**
     * Picks the mode from the request's Content-Type as the HTTP binding says: structured, batch,
     * or binary for any other content type. Another {@code application/cloudevents…} format
     * (e.g. {@code +avro}) is a request-level error on field {@code content-type}.
     *
     * @param headers the request headers, names in lower case
     */
    public List<MappedEvent> map(Map<String, String> headers, byte[] body, Instant receivedAt) {
        String mediaType = mediaType(headers.get(CONTENT_TYPE));
        if (STRUCTURED_CONTENT_TYPE.equals(mediaType)) return structured(body, receivedAt);
        if (BATCH_CONTENT_TYPE.equals(mediaType)) return batch(body, receivedAt);
        if (mediaType != null && mediaType.startsWith("application/cloudevents")) {
            return List.of(MappedEvent.rejectedRequest(CONTENT_TYPE, "unsupported CloudEvents format " + mediaType
                    + ", use " + STRUCTURED_CONTENT_TYPE + ", " + BATCH_CONTENT_TYPE + " or binary mode", IngestJson.text(body)));
        }
        return binary(headers, body, receivedAt);
    }

    /** One event in structured mode: the body is the event as a JSON object. */
    public List<MappedEvent> structured(byte[] body, Instant receivedAt) {
        Objects.requireNonNull(receivedAt, "receivedAt");
        JsonNode node;
        try {
            node = IngestJson.read(body);
        } catch (JsonProcessingException e) {
            return List.of(IngestJson.notJson(body, e));
        }
        if (!(node instanceof ObjectNode event)) {
            return List.of(MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE,
                    "a structured CloudEvent must be a JSON object", node.isMissingNode() ? IngestJson.text(body) : node));
        }
        return List.of(mapStructured(0, event, body.length, receivedAt));
    }

    /** Batch mode: the body is a JSON array of structured events. */
    public List<MappedEvent> batch(byte[] body, Instant receivedAt) {
        Objects.requireNonNull(receivedAt, "receivedAt");
        JsonNode node;
        try {
            node = IngestJson.read(body);
        } catch (JsonProcessingException e) {
            return List.of(IngestJson.notJson(body, e));
        }
        if (!node.isArray()) {
            return List.of(MappedEvent.rejectedRequest(FieldError.WHOLE_MESSAGE,
                    "a CloudEvents batch must be a JSON array", node.isMissingNode() ? IngestJson.text(body) : node));
        }
        List<MappedEvent> mapped = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (element instanceof ObjectNode event) {
                mapped.add(mapStructured(i, event, MessageFields.bytes(event).length, receivedAt));
            } else {
                mapped.add(MappedEvent.invalid(i,
                        List.of(new FieldError(i, FieldError.WHOLE_MESSAGE, "event must be a JSON object")), element));
            }
        }
        return mapped;
    }

    /**
     * Binary mode: attributes in {@code ce-*} headers (percent-decoded), datacontenttype in
     * {@code content-type}, the body as data. The size counted against the limit is the body
     * plus those headers' names and values. {@code raw} is
     * {@code {"headers":{…},"body":…}} with the body as JSON, text or {@code bodyBase64}.
     *
     * @param headers the request headers, names in lower case
     * @return one MappedEvent with index 0
     */
    public List<MappedEvent> binary(Map<String, String> headers, byte[] body, Instant receivedAt) {
        Objects.requireNonNull(receivedAt, "receivedAt");
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        Map<String, String> eventHeaders = new TreeMap<>();
        long size = body.length;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            if (name.startsWith(HEADER_PREFIX) && name.length() > HEADER_PREFIX.length()) {
                attributes.put(name.substring(HEADER_PREFIX.length()), percentDecode(header.getValue()));
            } else if (name.equals(CONTENT_TYPE)) {
                attributes.put("datacontenttype", header.getValue());
            } else {
                continue;
            }
            eventHeaders.put(name, header.getValue());
            size += name.length() + header.getValue().length();
        }
        MessageFields fields = new MessageFields(0, attributes);
        String contentType = fields.string("datacontenttype");
        JsonNode data = body.length == 0 ? null : dataOf(body, contentType, "data", fields);
        ObjectNode raw = JsonNodeFactory.instance.objectNode();
        ObjectNode rawHeaders = raw.putObject("headers");
        eventHeaders.forEach(rawHeaders::put);
        if (data != null && isJson(contentType)) {
            raw.set("body", data);
        } else if (isText(contentType)) {
            IngestJson.putBody(raw, body);
        } else if (body.length > 0) {
            raw.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        }
        return List.of(finish(0, attributes, fields, data, size, raw, receivedAt));
    }

    private MappedEvent mapStructured(int index, ObjectNode event, long size, Instant receivedAt) {
        MessageFields fields = new MessageFields(index, event);
        String contentType = fields.string("datacontenttype");
        JsonNode data = event.get("data");
        JsonNode dataBase64 = event.get("data_base64");
        boolean hasData = data != null && !data.isNull();
        boolean hasDataBase64 = dataBase64 != null && !dataBase64.isNull();
        JsonNode payload = null;
        if (hasData && hasDataBase64) {
            fields.error("data", "data and data_base64 must not both be present");
        } else if (hasDataBase64) {
            byte[] bytes = dataBase64.isTextual() ? decodeBase64(dataBase64.textValue()) : null;
            if (bytes == null) {
                fields.error("data_base64", "data_base64 must be a base64 string");
            } else {
                payload = dataOf(bytes, contentType, "data_base64", fields);
            }
        } else if (hasData) {
            if (isJson(contentType) || data.isTextual()) {
                payload = data;
            } else {
                fields.error("data", "data must be a string when datacontenttype " + contentType + " is not JSON");
            }
        }
        return finish(index, event, fields, payload, size, event, receivedAt);
    }

    /** Validates the attributes, then lets the SDK read them and maps the result. */
    private MappedEvent finish(int index, ObjectNode attributes, MessageFields fields, JsonNode data, long size,
                               JsonNode raw, Instant receivedAt) {
        validateAttributes(attributes, fields);
        FieldError tooLarge = IngestLimits.sizeError(index, size);
        if (tooLarge != null) fields.errors().add(tooLarge);
        if (!fields.errors().isEmpty()) return MappedEvent.invalid(index, fields.errors(), raw);

        ObjectNode withoutData = JsonNodeFactory.instance.objectNode();
        attributes.properties().forEach(attribute -> {
            if (!attribute.getValue().isNull() && !attribute.getKey().equals("data_base64")
                    && !attribute.getKey().equals("data")) {
                withoutData.set(attribute.getKey(), attribute.getValue());
            }
        });
        CloudEvent cloudEvent;
        try {
            cloudEvent = CLOUDEVENTS_MAPPER.treeToValue(withoutData, CloudEvent.class);
        } catch (JsonProcessingException | RuntimeException e) {
            // the checks above cover what SDK 4.0.1 rejects; should a later SDK be stricter, the
            // client still gets a 400 with the SDK's reason rather than a 500
            return MappedEvent.invalid(index,
                    List.of(new FieldError(index, FieldError.WHOLE_MESSAGE, "invalid CloudEvent: " + e.getMessage())), raw);
        }
        return MappedEvent.valid(index, toEvent(cloudEvent, data, receivedAt), raw);
    }

    private static void validateAttributes(ObjectNode attributes, MessageFields fields) {
        fields.requiredString("id");
        String source = fields.requiredString("source");
        if (source != null && !isUriReference(source)) {
            fields.error("source", "source must be a URI-reference, got " + MessageFields.quote(attributes.get("source")));
        }
        String specVersion = fields.requiredString("specversion");
        if (specVersion != null && !specVersion.equals("1.0")) {
            fields.error("specversion", "specversion must be \"1.0\", got " + MessageFields.quote(attributes.get("specversion")));
        }
        // the type is the event's name in the per-minute series, bounded as Segment's event is
        IngestLimits.checkEventName(fields, "type", fields.requiredString("type"));
        fields.string("subject");
        fields.instant("time");
        String dataSchema = fields.string("dataschema");
        if (dataSchema != null && !isUriReference(dataSchema)) {
            fields.error("dataschema", "dataschema must be a URI, got " + MessageFields.quote(attributes.get("dataschema")));
        }
        for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
            String name = attribute.getKey();
            if (CORE_ATTRIBUTES.contains(name)) continue;
            if (!EXTENSION_NAME.matcher(name).matches()) {
                fields.error(name, "extension attribute names must be lower-case letters and digits, got \"" + name + "\"");
            }
            JsonNode value = attribute.getValue();
            if (!value.isNull() && !value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                fields.error(name, name + " must be a string, number or boolean");
            }
        }
    }

    private Event toEvent(CloudEvent cloudEvent, JsonNode data, Instant receivedAt) {
        ObjectNode properties = JsonNodeFactory.instance.objectNode();
        if (data instanceof ObjectNode object) {
            properties.setAll(object.deepCopy());
        } else if (data != null && !data.isNull()) {
            properties.set("data", data.deepCopy());
        }
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        ObjectNode attributes = context.putObject(CONTEXT_KEY);
        attributes.put("specversion", cloudEvent.getSpecVersion().toString());
        if (cloudEvent.getDataContentType() != null) attributes.put("datacontenttype", cloudEvent.getDataContentType());
        if (cloudEvent.getDataSchema() != null) attributes.put("dataschema", cloudEvent.getDataSchema().toString());
        for (String name : cloudEvent.getExtensionNames()) {
            Object value = cloudEvent.getExtension(name);
            if (value instanceof Boolean bool) {
                attributes.put(name, bool);
            } else if (value instanceof Number number) {
                attributes.set(name, EventJson.MAPPER.valueToTree(number));
            } else {
                attributes.put(name, String.valueOf(value));
            }
        }
        Instant time = cloudEvent.getTime() == null ? null : cloudEvent.getTime().toInstant();
        Instant timestamp = clock.eventTime(time, null, receivedAt, context);
        String subject = cloudEvent.getSubject();
        return new Event(cloudEvent.getId(), EventType.TRACK, cloudEvent.getType(), null,
                subject == null || subject.isEmpty() ? null : subject, null, null, null,
                cloudEvent.getSource().toString(), timestamp, time, null, receivedAt, properties, context, null);
    }

    /** Data bytes as JSON: parsed for a JSON content type (or none), text for text/*, else base64. */
    private static JsonNode dataOf(byte[] bytes, String contentType, String field, MessageFields fields) {
        if (isJson(contentType)) {
            try {
                return IngestJson.read(bytes);
            } catch (JsonProcessingException e) {
                fields.error(field, field + " is not valid JSON for datacontenttype "
                        + (contentType == null ? "application/json (default)" : contentType));
                return null;
            }
        }
        if (isText(contentType)) return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
        return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
    }

    private static boolean isJson(String contentType) {
        String mediaType = mediaType(contentType);
        return mediaType == null || mediaType.equals("application/json") || mediaType.equals("text/json")
                || mediaType.endsWith("+json");
    }

    private static boolean isText(String contentType) {
        String mediaType = mediaType(contentType);
        return mediaType != null && mediaType.startsWith("text/");
    }

    /** The media type of a Content-Type value, lower case and without parameters; null when absent. */
    private static String mediaType(String contentType) {
        if (contentType == null) return null;
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.isEmpty() ? null : type.toLowerCase(Locale.ROOT);
    }

    private static boolean isUriReference(String text) {
        try {
            new URI(text);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The HTTP binding percent-encodes header values outside printable ASCII (as UTF-8). Decoding
     * works on the UTF-8 bytes: '%' and hex digits never occur inside a multi-byte sequence.
     */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) return value;
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            int high = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int low = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
            if (in[i] == '%' && high >= 0 && low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
