package dev.eddy.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.testing.RandomInstants;
import dev.eddy.stream.event.AnalyticsEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The streaming read against the full decode it stands in for. */
class AnalyticsEventReaderTest {

    private static final String[] NAMES = {
        null, "", " ", "Signed Up", "Order Completed", "Café ☕ ordered", "quote \" and \\ backslash", "{\"nested\":1}",
    };
    private static final String[] SOURCES = {null, "/sensors/7", "https://shop.example/orders"};
    /** 1900 to 2100, so before the epoch too. */
    private static final long MIN_SECOND = -2_208_988_800L;
    private static final long MAX_SECOND = 4_102_444_800L;

    /** Steps of names the random events have, as track calls and as pages. */
    private static final Funnels FUNNELS = new Funnels(List.of(
            new Funnel("a", List.of(FunnelStep.track("Signed Up"), FunnelStep.page("Order Completed"))),
            new Funnel("b", List.of(FunnelStep.page("Café ☕ ordered"), FunnelStep.track("Order Completed")))));

    private static AnalyticsEvent fullDecode(byte[] json) throws IOException {
        return fullDecode(json, Funnels.NONE);
    }

    private static AnalyticsEvent fullDecode(byte[] json, Funnels funnels) throws IOException {
        Event event = EventJson.decode(json);
        return event == null ? null : AnalyticsEvent.of(event, json, funnels);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryCanonicalEventAsTheFullDecodeDoes() throws IOException {
        Random random = new Random(42);
        Set<String> idCombinations = new HashSet<>();
        Set<Long> steps = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            Event event = randomEvent(random, i);
            byte[] json = EventJson.encode(event);

            AnalyticsEvent read = AnalyticsEventReader.readCanonical(json, FUNNELS);

            assertThat(read).as(new String(json, StandardCharsets.UTF_8)).isNotNull().isEqualTo(fullDecode(json, FUNNELS));
            steps.add(read.funnelSteps());
            assertThat(read.visitorKey()).isEqualTo(event.visitorKey());
            idCombinations.add((event.anonymousId() == null ? "-" : "anonymousId") + "/" + (event.userId() == null ? "-" : "userId"));
        }
        assertThat(idCombinations).as("events with and without each id of the visitor")
                .containsExactlyInAnyOrder("anonymousId/userId", "anonymousId/-", "-/userId", "-/-");
        assertThat(steps).as("events of no step and of each step").hasSize(5);
    }

    @Test
    void leavesOtherFormsTheFullDecodeAcceptsToIt() throws IOException {
        String rest = "\"type\":\"track\",\"event\":\"E\"";
        List<String> records = List.of(
                "{\"messageId\":\"m\"," + rest + ",\"userId\":12,\"timestamp\":\"2024-05-01T10:15:30Z\"}",
                "{\"messageId\":\"m\"," + rest + ",\"timestamp\":\"2024-05-01T10:15:30+01:00\"}",
                "{\"messageId\":\"m\"," + rest + ",\"timestamp\":1714558530.5}",
                "{\"messageId\":\"m\"," + rest + ",\"timestamp\":\" 2024-05-01T10:15:30Z \"}",
                "{\"messageId\":\"m\"," + rest + ",\"timestamp\":\"2024-05-01T24:00:00Z\"}",
                "{\"messageId\":\"m\"," + rest + ",\"timestamp\":\"2024-05-01T10:15:30Z\",\"sentAt\":1714558530}",
                "{\"messageId\":7," + rest + ",\"timestamp\":\"2024-05-01T10:15:30Z\"}");
        for (String record : records) {
            byte[] json = utf8(record);

            assertThat(AnalyticsEventReader.readCanonical(json, Funnels.NONE)).as(record).isNull();
            assertThat(AnalyticsEventReader.read(json, Funnels.NONE)).as(record).isNotNull().isEqualTo(fullDecode(json));
        }
    }

    @Test
    void agreesWithTheFullDecodeOnOddButCanonicalRecords() throws IOException {
        String ts = ",\"timestamp\":\"2024-02-29T23:59:59.9999Z\"";
        List<String> records = List.of(
                // duplicate fields: the last wins
                "{\"messageId\":\"a\",\"type\":\"track\",\"event\":\"E\",\"messageId\":\"b\"" + ts + "}",
                // the type in any case, and nested fields named like the top-level ones
                "{\"messageId\":\"m\",\"type\":\"PAGE\",\"properties\":{\"timestamp\":\"x\",\"userId\":1,\"messageId\":[]}"
                        + ts + ",\"anonymousId\":\"anon\"}",
                // unknown fields of every kind, and a trailing record ignored
                "{\"future\":{\"a\":[1,{\"b\":null}]},\"messageId\":\"m\",\"x\":[],\"type\":\"screen\",\"y\":true" + ts + "} {}",
                "{\"messageId\":\"m\",\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"plan\":\"pro\"}" + ts + "}",
                "{\"messageId\":\"m\",\"type\":\"track\",\"event\":null,\"context\":null" + ts + "}",
                "{\"messageId\":\"m\",\"type\":\"track\",\"event\":\"E\",\"timestamp\":\"0001-01-01T00:00:00.1Z\"}",
                // a page's path: the last of duplicates, a string only, else the name
                "{\"messageId\":\"m\",\"type\":\"page\",\"name\":\"Home\",\"properties\":{\"path\":\"/a\",\"x\":{\"path\":\"/n\"},"
                        + "\"path\":\"/b\"}" + ts + "}",
                "{\"messageId\":\"m\",\"type\":\"page\",\"name\":\"Home\",\"properties\":{\"path\":\"/a\",\"path\":7}" + ts + "}",
                "{\"messageId\":\"m\",\"type\":\"page\",\"properties\":{\"path\":null}" + ts + "}");
        for (String record : records) {
            byte[] json = utf8(record);

            assertThat(AnalyticsEventReader.readCanonical(json, Funnels.NONE)).as(record).isNotNull().isEqualTo(fullDecode(json));
        }
    }

    @Test
    void readsThePageFromTheLastPathOfThePropertiesOnly() throws IOException {
        String head = "{\"messageId\":\"m\",\"type\":\"page\",\"name\":\"Home\",\"timestamp\":\"2024-05-01T10:15:30Z\"";

        assertThat(AnalyticsEventReader.read(utf8(head + ",\"properties\":{\"path\":\"/a\",\"path\":\"/b\"}}"), Funnels.NONE).page())
                .isEqualTo("/b");
        assertThat(AnalyticsEventReader.read(utf8(head + ",\"properties\":{\"x\":{\"path\":\"/nested\"}}}"), Funnels.NONE).page())
                .isEqualTo("Home");
        assertThat(AnalyticsEventReader.read(utf8(head + ",\"properties\":{\"path\":[\"/a\"]}}"), Funnels.NONE).page())
                .isEqualTo("Home");
    }

    @Test
    void refusesWhatTheFullDecodeRefuses() throws IOException {
        String head = "{\"messageId\":\"m\",\"type\":\"track\",\"event\":\"E\"";
        String ts = ",\"timestamp\":\"2024-05-01T10:15:30Z\"";
        List<String> records = List.of(
                head + ts + ",\"sentAt\":\"yesterday\"}",
                head + ts + ",\"properties\":\"not an object\"}",
                head + ts + ",\"name\":{\"a\":1}}",
                head + ",\"timestamp\":\"2023-02-29T10:15:30Z\"}",
                head + ",\"timestamp\":null}",
                head + "}",
                "{\"type\":\"track\",\"event\":\"E\"" + ts + "}",
                "{\"messageId\":\"m\",\"type\":\"teleport\"" + ts + "}",
                "{\"messageId\":\"m\",\"type\":null" + ts + "}",
                head + ts + ",\"properties\":{\"a\":",
                "[" + head + ts + "}]",
                "not json",
                "");
        for (String record : records) {
            byte[] json = utf8(record);

            assertThatThrownBy(() -> EventJson.decode(json)).as(record).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> AnalyticsEventReader.read(json, Funnels.NONE)).as(record).isInstanceOf(IOException.class);
        }
        assertThat(AnalyticsEventReader.read(utf8("null"), Funnels.NONE)).isNull();
    }

    private static Event randomEvent(Random random, int i) {
        EventType type = EventType.values()[random.nextInt(EventType.values().length)];
        String source = pick(random, SOURCES);
        boolean cloudEvent = source != null;
        String userId = random.nextInt(3) == 0 ? null : "user-" + random.nextInt(1_000);
        String anonymousId = random.nextBoolean() ? null : "anon-" + random.nextInt(1_000);
        return new Event(
                cloudEvent ? "ce-" + i : "message-" + i,
                cloudEvent ? EventType.TRACK : type,
                pick(random, NAMES),
                type == EventType.PAGE || type == EventType.SCREEN ? pick(random, NAMES) : null,
                userId,
                anonymousId,
                type == EventType.GROUP ? "group-" + i : null,
                type == EventType.ALIAS ? "previous-" + i : null,
                source,
                randomInstant(random),
                random.nextBoolean() ? randomInstant(random) : null,
                random.nextBoolean() ? randomInstant(random) : null,
                randomInstant(random),
                random.nextBoolean() ? randomObject(random, 3) : null,
                random.nextBoolean() ? randomObject(random, 3) : null,
                type == EventType.IDENTIFY ? randomObject(random, 2) : null);
    }

    private static Instant randomInstant(Random random) {
        return RandomInstants.between(random, MIN_SECOND, MAX_SECOND);
    }

    /** Nested values, some named like the event's own fields. */
    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("timestamp", "not-a-date");
        node.put("userId", random.nextInt());
        node.put("type", "teleport");
        node.put("price", random.nextDouble());
        node.putArray("items").add("a").add(random.nextLong()).addObject().put("messageId", "nested");
        node.putNull("nothing");
        // a page's path: a string, or something else the page does not come from
        switch (random.nextInt(4)) {
            case 0 -> node.put("path", pick(random, NAMES) == null ? "/" : "/" + pick(random, NAMES));
            case 1 -> node.put("path", random.nextInt());
            case 2 -> node.putObject("path").put("path", "/nested");
            default -> { }
        }
        if (depth > 0) node.set("child", randomObject(random, depth - 1));
        return node;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
