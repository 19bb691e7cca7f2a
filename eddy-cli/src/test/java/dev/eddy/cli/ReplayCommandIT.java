package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.handlers.DeadLetter;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import dev.eddy.runtime.InstanceFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code eddy replay} as a user runs it, against the Kafka named in a running Eddy's {@code
 * eddy.json}: an embedded broker of its own here, holding a dead letter, or nothing at all.
 */
class ReplayCommandIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int eddy(String... args) {
        CommandLine eddy = EddyCommand.commandLine();
        eddy.setOut(new PrintWriter(out, true));
        eddy.setErr(new PrintWriter(err, true));
        return eddy.execute(args);
    }

    @Test
    void replaysTheDeadLettersOnTheRunningEddysKafkaAndSaysHowEachEnded() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka"), 0).start()) {
            String dlt = Topics.handlerDeadLetter("signup-hook");
            try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
                admin.ensureTopic(TopicPlan.defaults(), dlt);
            }
            Instant t = Instant.parse("2026-11-27T10:00:00Z");
            byte[] event = EventJson.encode(new Event("m1", EventType.TRACK, "Signed Up", null, "u1", null, null, null, null,
                    t, t, t, t, null, null, null));
            ConsumerRecord<byte[], byte[]> read = new ConsumerRecord<>(Topics.EVENTS, 0, 42, "u1".getBytes(StandardCharsets.UTF_8), event);
            read.headers().add("ce_id", "m1".getBytes(StandardCharsets.UTF_8));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(EventPublisher.config(broker.bootstrapServers(),
                    EventPublisher.DEFAULT_MAX_BLOCK, EventPublisher.DEFAULT_DELIVERY_TIMEOUT), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(DeadLetter.of("signup-hook", read, "answered HTTP 410", 1, 410)).get();
            }
            Path data = Files.createDirectories(dir.resolve("data"));
            runningEddy(data, broker.bootstrapServers());
            Path config = Files.writeString(dir.resolve("eddy.yaml"), "handlers:\n  signup-hook:\n    url: http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\n");

            int exit = eddy("replay", "signup-hook", "--config", config.toString(), "--data-dir", data.toString());

            assertThat(err.toString()).doesNotContain("eddy replay:");
            assertThat(exit).isEqualTo(0);
            assertThat(out.toString()).isEqualTo("replayed 1 dead letter of handler 'signup-hook' from " + dlt
                    + ": 1 delivered, 0 dead-lettered again, 0 passed over" + System.lineSeparator());
            assertThat(keys).containsExactly("m1");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aKafkaThatDoesNotAnswerIsNamedWithWhereItCameFrom() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("data"));
        runningEddy(data, "127.0.0.1:" + closed); // as a crashed Eddy leaves it
        Path config = Files.writeString(dir.resolve("eddy.yaml"), "handlers:\n  signup-hook:\n    url: http://127.0.0.1:9/x\n");

        int exit = eddy("replay", "signup-hook", "--config", config.toString(), "--data-dir", data.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("no Kafka answers at 127.0.0.1:" + closed + " (")
                .contains(" (from " + InstanceFile.path(data) + ": is that Eddy still running?)").doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    /** The instance file a running Eddy keeps in its data dir. */
    private static void runningEddy(Path data, String kafkaBootstrap) throws Exception {
        InstanceFile instance = new InstanceFile(ProcessHandle.current().pid(), "http://127.0.0.1:9", 9, kafkaBootstrap, 0,
                "http://127.0.0.1:9", 9, data.toString(), List.of("wk"), List.of("rk"));
        EventJson.MAPPER.writeValue(InstanceFile.path(data).toFile(), instance);
    }
}
