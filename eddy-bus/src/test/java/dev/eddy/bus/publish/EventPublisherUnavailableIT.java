package dev.eddy.bus.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.bus.TestEvents;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherUnavailableIT {

    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;

    @Test
    void publishingToAStoppedBrokerFailsAsUnavailable() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start()) {
            try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
                admin.ensureTopics(TopicPlan.defaults());
            }
            try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), BOUND, BOUND)) {
                publisher.publish(TestEvents.track("m-ok", "u-1", "Before", TestEvents.T0)).get(30, TimeUnit.SECONDS);

                kafka.close();
                CompletableFuture<RecordMetadata> ack = publisher.publish(TestEvents.track("m-lost", "u-1", "After", TestEvents.T0));

                await().atMost(Duration.ofSeconds(30)).until(ack::isDone);
                assertThat(ack).isCompletedExceptionally();
                Throwable failure = ack.handle((ok, error) -> error).join();
                assertThat(EventPublisher.isUnavailable(failure)).as("classification of %s", failure).isTrue();
            }
        }
    }

    @Test
    void publishingWhereNoBrokerEverRanFailsAsUnavailable() throws Exception {
        String nowhere = "127.0.0.1:" + unusedPort();
        try (EventPublisher publisher = new EventPublisher(nowhere, BOUND, BOUND)) {
            CompletableFuture<RecordMetadata> ack = publisher.publish(TestEvents.track("m-1", "u-1", "X", TestEvents.T0));

            await().atMost(Duration.ofSeconds(30)).until(ack::isDone);
            Throwable failure = ack.handle((ok, error) -> error).join();
            assertThat(failure).isNotNull();
            assertThat(EventPublisher.isUnavailable(failure)).as("classification of %s", failure).isTrue();
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }
}
