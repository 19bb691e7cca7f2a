package dev.eddy.bus.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.bus.TestEvents;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherIT {

    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static EventPublisher publisher;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start();
        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
            admin.ensureTopics(TopicPlan.defaults());
        }
        publisher = new EventPublisher(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (publisher != null) publisher.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void eventsLandOnEddyEventsWithKeyCanonicalValueAndCloudEventsHeaders() throws Exception {
        Event track = TestEvents.track("m-1", "user-1", "Order Completed", TestEvents.T0);
        Event page = TestEvents.anonymousPage("m-2", "anon-2", TestEvents.T0.plusSeconds(1));
        Event cloud = TestEvents.cloudEvent("ce-3", "https://shop.example/orders", "com.example.order.placed",
                TestEvents.T0.plusSeconds(2));
        List<Event> events = List.of(track, page, cloud);

        List<CompletableFuture<RecordMetadata>> acks = events.stream().map(publisher::publish).toList();
        for (CompletableFuture<RecordMetadata> ack : acks) {
            assertThat(ack.get(30, TimeUnit.SECONDS).topic()).isEqualTo(Topics.EVENTS);
        }

        Map<String, ConsumerRecord<byte[], byte[]>> byId = TopicReader.readAll(kafka.bootstrapServers(), Topics.EVENTS, 3)
                .stream().collect(Collectors.toMap(r -> header(r, "ce_id"), Function.identity()));

        assertThat(byId).containsOnlyKeys("m-1", "ce-3", "m-2");
        assertRecord(byId.get("m-1"), track, "user-1", "Order Completed", "eddy:segment", "2025-03-01T12:00:00.123Z");
        assertRecord(byId.get("m-2"), page, "anon-2", "segment.page", "eddy:segment", "2025-03-01T12:00:01.123Z");
        assertRecord(byId.get("ce-3"), cloud, "https://shop.example/orders", "com.example.order.placed",
                "https://shop.example/orders", "2025-03-01T12:00:02.123Z");
        // the acknowledged positions are where the records are
        for (int i = 0; i < events.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = byId.get(events.get(i).messageId());
            RecordMetadata ack = acks.get(i).get();
            assertThat(r.partition()).isEqualTo(ack.partition());
            assertThat(r.offset()).isEqualTo(ack.offset());
        }
    }

    @Test
    void invalidInputIsKeptAsGiven() throws Exception {
        byte[] json = "{\"reason\":\"missing userId and anonymousId\",\"input\":{\"type\":\"track\"}}"
                .getBytes(StandardCharsets.UTF_8);
        publisher.publishInvalid(null, json).get(30, TimeUnit.SECONDS);
        publisher.publishInvalid("req-7".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8))
                .get(30, TimeUnit.SECONDS);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), Topics.INVALID, 2);

        assertThat(records).extracting(r -> r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly(null, "req-7");
        assertThat(records.get(0).value()).isEqualTo(json);
        assertThat(new String(records.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(records).allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    }

    private static void assertRecord(ConsumerRecord<byte[], byte[]> record, Event expected, String key,
                                     String type, String source, String time) throws IOException {
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(record.value()).isEqualTo(EventJson.encode(expected));
        assertThat(EventJson.decode(record.value())).isEqualTo(expected);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        assertThat(headers).containsExactly(
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_id", expected.messageId()),
                Map.entry("ce_type", type),
                Map.entry("ce_source", source),
                Map.entry("ce_time", time),
                Map.entry("content-type", "application/json"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
