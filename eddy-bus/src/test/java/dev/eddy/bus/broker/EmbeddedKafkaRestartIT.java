package dev.eddy.bus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.bus.TestEvents;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaRestartIT {

    @TempDir
    Path dataDir;
    EmbeddedKafka kafka;

    @AfterEach
    void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndRecords() throws Exception {
        Path logDir = dataDir.resolve("kafka");
        kafka = new EmbeddedKafka(logDir, 0).start();
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
        assertThat(Files.exists(logDir.resolve("meta.properties"))).isTrue();
        String clusterIdLine = clusterIdLine(logDir);

        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
            admin.ensureTopics(new TopicPlan(3, Duration.ofDays(7)));
        }
        List<Event> events = IntStream.range(0, 10)
                .mapToObj(i -> TestEvents.track("m-" + i, "user-" + (i % 4), "Step " + i, TestEvents.T0.plusSeconds(i)))
                .toList();
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers())) {
            CompletableFuture.allOf(events.stream().map(publisher::publish).toArray(CompletableFuture[]::new)).get();
        }
        kafka.close();
        assertThat(kafka.isRunning()).isFalse();

        kafka.start();

        assertThat(clusterIdLine(logDir)).isEqualTo(clusterIdLine);
        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
            assertThat(admin.listTopics()).containsAll(Topics.ALL);
            assertThat(admin.partitionCounts(Topics.ALL)).isEqualTo(
                    Map.of(Topics.EVENTS, 3, Topics.INVALID, 1, Topics.LATE, 3, Topics.ALERTS, 1));
            assertThat(admin.ensureTopics(TopicPlan.defaults())).isEmpty();
        }
        List<Event> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka.bootstrapServers(), Topics.EVENTS, 10)) {
            read.add(EventJson.decode(r.value()));
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void startTwiceIsRefusedAndCloseIsIdempotent() {
        kafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start();
        assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("already started on " + kafka.bootstrapServers());
        kafka.close();
        kafka.close();
        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
    }

    private static String clusterIdLine(Path logDir) throws IOException {
        return Files.readAllLines(logDir.resolve("meta.properties")).stream()
                .filter(l -> l.startsWith("cluster.id=")).findFirst().orElseThrow();
    }
}
