package dev.eddy.bus.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eddy.bus.broker.EmbeddedKafka;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicTailIT {

    private static final long TS = 1_740_830_400_000L;

    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static KafkaProducer<byte[], byte[]> producer;
    static final ExecutorService runner = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafka(dataDir.resolve("kafka"), 0).start();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        runner.shutdownNow();
        if (producer != null) producer.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void fromBeginningPrintsEveryRecordAsOneJsonLine() throws Exception {
        String topic = ensure("tail.beginning");
        send(new ProducerRecord<>(topic, 0, TS, bytes("u-1"), bytes("{\"type\":\"track\",\"n\":1}"),
                List.of(new RecordHeader("ce_id", bytes("m-1")))));
        send(new ProducerRecord<>(topic, 0, TS + 1, null, bytes("not json")));
        send(new ProducerRecord<>(topic, 0, TS + 2, bytes("u-2"), (byte[]) null));

        List<String> lines = tail(topic, true, 3, () -> {});

        assertThat(lines).containsExactly(
                "{\"topic\":\"tail.beginning\",\"partition\":0,\"offset\":0,\"timestamp\":1740830400000,\"key\":\"u-1\","
                        + "\"headers\":{\"ce_id\":\"m-1\"},\"value\":{\"type\":\"track\",\"n\":1}}",
                "{\"topic\":\"tail.beginning\",\"partition\":0,\"offset\":1,\"timestamp\":1740830400001,\"key\":null,"
                        + "\"headers\":{},\"value\":\"not json\"}",
                "{\"topic\":\"tail.beginning\",\"partition\":0,\"offset\":2,\"timestamp\":1740830400002,\"key\":\"u-2\","
                        + "\"headers\":{},\"value\":null}");
    }

    @Test
    void fromTheEndPrintsOnlyNewRecords() throws Exception {
        String topic = ensure("tail.end");
        send(new ProducerRecord<>(topic, 0, TS, bytes("old"), bytes("1")));

        List<String> lines = tail(topic, false, 1,
                () -> send(new ProducerRecord<>(topic, 0, TS + 5, bytes("new"), bytes("[true]"))));

        assertThat(lines).containsExactly(
                "{\"topic\":\"tail.end\",\"partition\":0,\"offset\":1,\"timestamp\":1740830400005,\"key\":\"new\","
                        + "\"headers\":{},\"value\":[true]}");
    }

    @Test
    void endsWhenItsReaderGoesAway() throws Exception {
        String topic = ensure("tail.pipe");
        send(new ProducerRecord<>(topic, 0, TS, bytes("k"), bytes("1")));
        PipedInputStream reader = new PipedInputStream();
        PipedOutputStream pipe = new PipedOutputStream(reader);
        // as `eddy tail … | head -1` after its line
        reader.close();

        try (PrintStream out = new PrintStream(pipe, true, StandardCharsets.UTF_8);
             TopicTail tail = TopicTail.open(kafka.bootstrapServers(), topic, true, out)) {
            Future<?> running = runner.submit(tail::run);

            running.get(1, TimeUnit.MINUTES);

            assertThat(out.checkError()).isTrue();
        }
    }

    @Test
    void missingTopicIsRefused() {
        assertThatThrownBy(() -> TopicTail.open(kafka.bootstrapServers(), "no.such.topic", true, System.out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no such topic: no.such.topic");
    }

    /** Runs a tail until it printed {@code count} lines, after {@code afterOpen} ran; returns all it printed. */
    private static List<String> tail(String topic, boolean fromBeginning, int count, Runnable afterOpen) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
             TopicTail tail = TopicTail.open(kafka.bootstrapServers(), topic, fromBeginning, out)) {
            Future<?> running = runner.submit(tail::run);
            afterOpen.run();
            await().atMost(Duration.ofSeconds(30)).until(() -> lines(buffer).size() >= count);
            tail.stop();
            running.get(10, TimeUnit.SECONDS);
        }
        return lines(buffer);
    }

    private static List<String> lines(ByteArrayOutputStream buffer) {
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static String ensure(String topic) {
        try (TopicAdmin admin = new TopicAdmin(kafka.bootstrapServers())) {
            admin.ensureTopic(TopicPlan.defaults(), topic);
        }
        return topic;
    }

    private static void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot write the test record", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
