package dev.eddy.handlers;

import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The bus of a handlers test class: one embedded broker with Eddy's topics and a publisher of
 * events, shared by the class's tests, and the events they write.
 */
final class TestBus implements AutoCloseable {
    static final Instant T = Instant.parse("2026-11-27T10:00:00Z");
    static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(10);
    /** A backoff short enough for tests that retry. */
    static final Duration QUICK = Duration.ofMillis(20);

    private final EmbeddedKafka broker;
    private final EventPublisher publisher;

    private TestBus(EmbeddedKafka broker, EventPublisher publisher) {
        this.broker = broker;
        this.publisher = publisher;
    }

    static TestBus start(Path dir) {
        EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
            admin.ensureTopics(TopicPlan.defaults());
        }
        return new TestBus(broker, new EventPublisher(broker.bootstrapServers()));
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /** Publishes each, waiting for its acknowledgement, and returns where the last went. */
    RecordMetadata publish(Event... events) throws Exception {
        RecordMetadata written = null;
        for (Event event : events) written = publisher.publish(event).get();
        return written;
    }

    static Event track(String messageId, String user, String name) {
        return event(messageId, user, EventType.TRACK, name);
    }

    static Event event(String messageId, String user, EventType type, String name) {
        return new Event(messageId, type, name, null, user, null, null, null, null, T, T, T, T, null, null, null);
    }

    /** For a receiver's script that holds a request until the test lets it go. */
    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        publisher.close();
        broker.close();
    }
}
