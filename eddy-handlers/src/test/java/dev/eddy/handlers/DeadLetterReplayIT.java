package dev.eddy.handlers;

import static dev.eddy.handlers.TestBus.PRODUCE_TIMEOUT;
import static dev.eddy.handlers.TestBus.QUICK;
import static dev.eddy.handlers.TestBus.awaitQuietly;
import static dev.eddy.handlers.TestBus.event;
import static dev.eddy.handlers.TestBus.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.handlers.testing.WebhookReceiver;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay of a handler's dead letters on the real embedded broker, posting to a real local
 * HTTP server; the dead letters are made by the handler itself, against a receiver that is down.
 * One broker for the class, a handler name per test.
 */
class DeadLetterReplayIT {
    @TempDir
    static Path dir;
    static TestBus bus;

    @BeforeAll
    static void startBroker() {
        bus = TestBus.start(dir);
    }

    @AfterAll
    static void stopBroker() {
        bus.close();
    }

    @Test
    void postsEachDeadLetterAsTheHandlerWouldKeepsWhatFailsAgainOnceAndGoesOnFromItsPlaceNextTime() throws Exception {
        String name = "replayed";
        String dlt = Topics.handlerDeadLetter(name);
        Event r1 = track("r1", "u1", "Clicked");
        Event r2 = track("r2", "u2", "Clicked");
        Event r3 = track("r3", "u3", "Clicked");
        Event page = event("p1", "u4", EventType.PAGE, "Home");
        byte[] notAnEvent = "{not json".getBytes(StandardCharsets.UTF_8);
        deadLetter(name, 5, () -> {
            bus.publish(r1, r2, r3, page);
            rawEvent("u9", notAnEvent);
        });

        Map<Integer, Long> ends = new HashMap<>();
        TopicReader.readAll(bus.bootstrap(), dlt, 5).forEach(r -> ends.merge(r.partition(), r.offset() + 1, Math::max));

        // the receiver is back, but refuses r2; the handler now takes track calls only: not the page
        List<WebhookReceiver.Request> posted;
        DeadLetterReplay.Summary first;
        try (WebhookReceiver receiver = WebhookReceiver.answeringBy(r -> "r2".equals(r.header("ce-id")) ? 400 : 204)) {
            first = replay(name, handler(receiver.url(), List.of("track"), 3));
            posted = receiver.requests();
        }

        assertThat(first).isEqualTo(new DeadLetterReplay.Summary(name, dlt, 2, 2, 1, false));
        assertThat(first.toString()).isEqualTo("replayed 5 dead letters of handler 'replayed' from eddy.handler.replayed.dlt:"
                + " 2 delivered, 2 dead-lettered again, 1 passed over");
        assertThat(posted).extracting(r -> r.header("ce-id")).containsExactlyInAnyOrder("r1", "r2", "r3");
        for (WebhookReceiver.Request request : posted) {
            Event event = List.of(r1, r2, r3).stream().filter(e -> e.messageId().equals(request.header("ce-id"))).findFirst().orElseThrow();
            assertThat(request.body()).isEqualTo(EventJson.encode(event));
            assertThat(request.header("Idempotency-Key")).isEqualTo(event.messageId());
            assertThat(request.header("ce-type")).isEqualTo("Clicked");
            assertThat(request.header("ce-specversion")).isEqualTo("1.0");
            assertThat(request.header("Eddy-Handler")).isEqualTo(name);
            assertThat(request.header("Eddy-Attempt")).as("a 400 is not retried").isEqualTo("1");
            assertThat(request.headers().keySet()).noneMatch(header -> header.startsWith("eddy-dlt"));
        }

        // the five dead letters, then the two of this run: r2 refused, the record that is no event
        List<ConsumerRecord<byte[], byte[]>> after = TopicReader.readAll(bus.bootstrap(), dlt, 7);
        List<ConsumerRecord<byte[], byte[]>> again = after.stream()
                .filter(r -> r.offset() >= ends.getOrDefault(r.partition(), 0L)).toList();
        assertThat(again).hasSize(2);
        ConsumerRecord<byte[], byte[]> refused = again.stream().filter(r -> "r2".equals(single(r, "ce_id"))).findFirst().orElseThrow();
        assertThat(refused.key()).isEqualTo("u2".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.value()).isEqualTo(EventJson.encode(r2));
        assertEachHeaderOnce(refused);
        assertThat(single(refused, DeadLetter.HANDLER)).isEqualTo(name);
        assertThat(single(refused, DeadLetter.REASON)).isEqualTo("answered HTTP 400");
        assertThat(single(refused, DeadLetter.ATTEMPTS)).isEqualTo("1");
        assertThat(single(refused, DeadLetter.STATUS)).isEqualTo("400");
        assertThat(single(refused, DeadLetter.TOPIC)).as("where the event was first read").isEqualTo(Topics.EVENTS);
        assertThat(single(refused, "ce_type")).isEqualTo("Clicked");
        ConsumerRecord<byte[], byte[]> unreadable = again.stream().filter(r -> r != refused).findFirst().orElseThrow();
        assertThat(unreadable.value()).isEqualTo(notAnEvent);
        assertEachHeaderOnce(unreadable);
        assertThat(single(unreadable, DeadLetter.REASON)).startsWith("not a canonical event: ");
        assertThat(single(unreadable, DeadLetter.ATTEMPTS)).isEqualTo("0");
        assertThat(unreadable.headers().lastHeader(DeadLetter.STATUS)).isNull();

        // the next run starts where this one ended: only the two it dead-lettered again
        try (WebhookReceiver receiver = WebhookReceiver.answering(204)) {
            DeadLetterReplay.Summary second = replay(name, handler(receiver.url(), List.of("track"), 3));

            assertThat(second).isEqualTo(new DeadLetterReplay.Summary(name, dlt, 1, 1, 0, false));
            assertThat(receiver.requests()).extracting(r -> r.header("ce-id") + "#" + r.header("Eddy-Attempt"))
                    .containsExactly("r2#1");
        }
        try (WebhookReceiver receiver = WebhookReceiver.answering(204)) {
            assertThat(replay(name, handler(receiver.url(), List.of("track"), 3)))
                    .as("the one that is no event, again").isEqualTo(new DeadLetterReplay.Summary(name, dlt, 0, 1, 0, false));
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void retriesAsTheHandlerDoesAndGivesUpOnTheSameTopic() throws Exception {
        String name = "replayed-retrying";
        deadLetter(name, 1, () -> bus.publish(track("t1", "u1", "Clicked")));

        try (WebhookReceiver receiver = WebhookReceiver.answering(503)) {
            DeadLetterReplay.Summary summary = replay(name, handler(receiver.url(), List.of(), 3));

            assertThat(summary.deadLettered()).isEqualTo(1);
            assertThat(receiver.requests()).extracting(r -> r.header("Eddy-Attempt")).containsExactly("1", "2", "3");
        }
        ConsumerRecord<byte[], byte[]> again = TopicReader.readAll(bus.bootstrap(), Topics.handlerDeadLetter(name), 2).get(1);
        assertEachHeaderOnce(again);
        assertThat(single(again, DeadLetter.REASON)).isEqualTo("gave up after 3 attempts, the last answered HTTP 503");
    }

    @Test
    void aStopLeavesThePostInFlightToTheNextRunAndKeepsThePlaceOfWhatWasHandled() throws Exception {
        String name = "replay-stopped";
        deadLetter(name, 2, () -> bus.publish(track("s1", "u1", "Clicked"), track("s2", "u1", "Clicked")));

        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver receiver = new WebhookReceiver(n -> {
            if (n == 2) awaitQuietly(release); // s2, after s1 on the same partition
            return 204;
        })) {
            EddyConfig.Handler config = new EddyConfig.Handler(receiver.url(), EddyConfig.Handler.EVENTS, List.of(), List.of(), 3,
                    QUICK, QUICK, Duration.ofMinutes(1), 1);
            DeadLetterReplay.Summary stopped;
            try (DeadLetterReplay replay = DeadLetterReplay.open(name, config, bus.bootstrap(), PRODUCE_TIMEOUT)) {
                CompletableFuture<DeadLetterReplay.Summary> running = CompletableFuture.supplyAsync(replay::run);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 2);
                replay.stop();
                stopped = running.get(30, TimeUnit.SECONDS);
            } finally {
                release.countDown();
            }
            assertThat(stopped).isEqualTo(new DeadLetterReplay.Summary(name, Topics.handlerDeadLetter(name), 1, 0, 0, true));

            assertThat(replay(name, config)).isEqualTo(new DeadLetterReplay.Summary(name, Topics.handlerDeadLetter(name), 1, 0, 0, false));
            assertThat(receiver.requests()).extracting(r -> r.header("ce-id")).containsExactly("s1", "s2", "s2");
        }
    }

    private interface Writes {
        void run() throws Exception;
    }

    /** Runs a handler of every event against a receiver that is down, with one attempt, until {@code count} dead letters are kept. */
    private static void deadLetter(String name, int count, Writes writes) throws Exception {
        try (WebhookReceiver down = WebhookReceiver.answering(503);
             Handlers handlers = Handlers.start(Map.of(name, handler(down.url(), List.of(), 1)), bus.bootstrap(),
                     TopicPlan.defaults(), PRODUCE_TIMEOUT, new SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(30)).until(handlers::ready);
            writes.run();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> TopicReader.endOffsetSum(bus.bootstrap(), Topics.handlerDeadLetter(name)) == count);
        }
    }

    private static DeadLetterReplay.Summary replay(String name, EddyConfig.Handler config) {
        try (DeadLetterReplay replay = DeadLetterReplay.open(name, config, bus.bootstrap(), PRODUCE_TIMEOUT)) {
            return replay.run();
        }
    }

    private static EddyConfig.Handler handler(String url, List<String> types, int attempts) {
        return new EddyConfig.Handler(url, EddyConfig.Handler.EVENTS, types, List.of(), attempts, QUICK, QUICK.multipliedBy(4),
                Duration.ofSeconds(5), 1);
    }

    private static void assertEachHeaderOnce(ConsumerRecord<byte[], byte[]> record) {
        List<String> names = new ArrayList<>();
        for (Header header : record.headers()) names.add(header.key());
        assertThat(names).doesNotHaveDuplicates().contains(DeadLetter.HANDLER, DeadLetter.REASON, DeadLetter.ATTEMPTS,
                DeadLetter.TOPIC, DeadLetter.PARTITION, DeadLetter.OFFSET);
    }

    private static String single(ConsumerRecord<byte[], byte[]> record, String header) {
        Header last = record.headers().lastHeader(header);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }



    private static void rawEvent(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                EventPublisher.config(bus.bootstrap(), PRODUCE_TIMEOUT, PRODUCE_TIMEOUT),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.EVENTS, key.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

}
