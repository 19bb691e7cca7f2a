package dev.eddy.handlers;

import static dev.eddy.handlers.TestBus.PRODUCE_TIMEOUT;
import static dev.eddy.handlers.TestBus.QUICK;
import static dev.eddy.handlers.TestBus.awaitQuietly;
import static dev.eddy.handlers.TestBus.event;
import static dev.eddy.handlers.TestBus.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import dev.eddy.bus.publish.EventPublisher;
import dev.eddy.bus.testing.TopicReader;
import dev.eddy.bus.topic.TopicAdmin;
import dev.eddy.bus.topic.TopicPlan;
import dev.eddy.handlers.testing.WebhookReceiver;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import dev.eddy.model.config.EddyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handlers on the real embedded broker, posting to a real local HTTP server; one broker for the class, a handler name per test. */
class HandlersIT {
    @TempDir
    static Path dir;
    static TestBus bus;

    /** A handler's concurrency unless it says otherwise: its events posted in lanes, by user. */
    static final int LANES = EddyConfig.Handler.defaults().concurrency();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startBroker() {
        bus = TestBus.start(dir);
    }

    @AfterAll
    static void stopBroker() {
        bus.close();
    }

    @Test
    void postsTheEventsItTakesInEachUsersOrderAsCloudEvents() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200);
             Handlers handlers = start("signups", handler(receiver.url(), List.of("identify"), List.of("Signed Up"), 5, QUICK))) {
            Event signedUp = track("m1", "u1", "Signed Up");
            Event identified = event("m3", "u1", EventType.IDENTIFY, null);
            Event other = track("m5", "u2", "Signed Up");
            bus.publish(signedUp, event("m2", "u1", EventType.PAGE, null), identified, track("m4", "u1", "Clicked"), other);
            // after m2 and m4 in u1's partition: once it arrives, those two were read and passed over
            Event last = track("m6", "u1", "Signed Up");
            bus.publish(last);

            // counted once the answer is in, after the receiver kept the request
            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 4);
            List<WebhookReceiver.Request> got = receiver.requests();
            assertThat(got).hasSize(4);
            assertThat(got.stream().map(r -> r.header("ce-id")))
                    .containsExactlyInAnyOrder("m1", "m3", "m5", "m6");
            assertThat(got.stream().map(r -> r.header("ce-id")).filter(id -> !id.equals("m5")))
                    .as("u1's events in the order they are on the bus").containsExactly("m1", "m3", "m6");
            WebhookReceiver.Request first = got.stream().filter(r -> r.header("ce-id").equals("m1")).findFirst().orElseThrow();
            assertThat(first.body()).isEqualTo(EventJson.encode(signedUp));
            assertThat(first.header("Content-Type")).isEqualTo("application/json");
            assertThat(first.header("ce-specversion")).isEqualTo("1.0");
            assertThat(first.header("ce-type")).isEqualTo("Signed%20Up");
            assertThat(first.header("ce-source")).isEqualTo("eddy:segment");
            assertThat(first.header("ce-time")).isEqualTo("2026-11-27T10:00:00Z");
            assertThat(first.header("Idempotency-Key")).isEqualTo("m1");
            assertThat(first.header("Eddy-Handler")).isEqualTo("signups");
            assertThat(first.header("Eddy-Attempt")).isEqualTo("1");
        }
        assertThat(TopicReader.endOffsetSum(bus.bootstrap(), Topics.handlerDeadLetter("signups"))).isZero();
    }

    @Test
    void retriesWhileTheReceiverHasPassingTroubleThenDelivers() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n <= 2 ? 503 : 200);
             Handlers handlers = start("flaky", handler(receiver.url(), List.of(), List.of(), 5, QUICK))) {
            bus.publish(track("r1", "u1", "Clicked"));

            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 1);
            assertThat(receiver.requests()).extracting(r -> r.header("Eddy-Attempt")).containsExactly("1", "2", "3");
            assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key")).containsOnly("r1");
            assertThat(counter("eddy.handler.retries")).isEqualTo(2);
        }
        assertThat(TopicReader.endOffsetSum(bus.bootstrap(), Topics.handlerDeadLetter("flaky"))).isZero();
    }

    @Test
    void waitsAsLongAsTheReceiverAsksWithinItsLongestBackoff() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n == 1 ? 429 : 200, Map.of("Retry-After", "1"));
             Handlers handlers = start("patient", new EddyConfig.Handler(receiver.url(), EddyConfig.Handler.EVENTS, List.of(), List.of(), 5, QUICK,
                     Duration.ofSeconds(5), Duration.ofSeconds(5), LANES))) {
            bus.publish(track("p1", "u1", "Clicked"));

            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 1);
            List<WebhookReceiver.Request> got = receiver.requests();
            assertThat(got).hasSize(2);
            assertThat(Duration.between(got.get(0).at(), got.get(1).at())).as("the wait Retry-After asked for, not the 20 ms backoff")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void itsLagCountsTheEventsItHasNotHandledYet() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(503);
             Handlers handlers = start("behind", handler(receiver.url(), List.of(), List.of(), 5, Duration.ofMinutes(10)))) {
            assertThat(lag("behind")).isZero();
            assertThat(laneOf("u1", LANES)).isNotEqualTo(laneOf("u2", LANES));
            // the first waits for its second attempt, and u1's second behind it; u2's, in another
            // lane, is posted beside them and waits for its second attempt too
            bus.publish(track("b1", "u1", "Clicked"), track("b2", "u1", "Clicked"), track("b3", "u2", "Clicked"));

            // the lag is 3 as soon as they are written: wait for the first posts too
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 2 && lag("behind") == 3);
            assertThat(receiver.requests()).extracting(r -> r.header("ce-id")).containsExactlyInAnyOrder("b1", "b3");
        }
    }

    @Test
    void aStatusThatRetryingWillNotChangeIsDeadLetteredAtOnceWithTheEventUnchanged() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(400);
             Handlers handlers = start("refused", handler(receiver.url(), List.of(), List.of(), 5, QUICK))) {
            Event event = track("d1", "u7", "Order Completed");
            RecordMetadata written = bus.publish(event);

            ConsumerRecord<byte[], byte[]> dead = deadLetters("refused", 1).get(0);
            assertThat(dead.key()).isEqualTo("u7".getBytes(StandardCharsets.UTF_8));
            assertThat(dead.value()).isEqualTo(EventJson.encode(event));
            assertThat(headers(dead)).containsEntry("ce_id", "d1").containsEntry("ce_type", "Order Completed")
                    .containsEntry(DeadLetter.HANDLER, "refused")
                    .containsEntry(DeadLetter.REASON, "answered HTTP 400")
                    .containsEntry(DeadLetter.ATTEMPTS, "1")
                    .containsEntry(DeadLetter.STATUS, "400")
                    .containsEntry(DeadLetter.TOPIC, Topics.EVENTS)
                    .containsEntry(DeadLetter.PARTITION, Integer.toString(written.partition()))
                    .containsEntry(DeadLetter.OFFSET, Long.toString(written.offset()));
            assertThat(receiver.requests()).hasSize(1);
            assertThat(counter("eddy.handler.events", "outcome", "dead_lettered")).isEqualTo(1);
        }
    }

    @Test
    void givesUpAfterItsAttemptsAndKeepsTheEvent() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(500);
             Handlers handlers = start("down", handler(receiver.url(), List.of(), List.of(), 3, QUICK))) {
            bus.publish(track("g1", "u1", "Clicked"));

            Map<String, String> dead = headers(deadLetters("down", 1).get(0));
            assertThat(dead).containsEntry(DeadLetter.REASON, "gave up after 3 attempts, the last answered HTTP 500")
                    .containsEntry(DeadLetter.ATTEMPTS, "3")
                    .containsEntry(DeadLetter.STATUS, "500");
            assertThat(receiver.requests()).extracting(r -> r.header("Eddy-Attempt")).containsExactly("1", "2", "3");
            assertThat(counter("eddy.handler.retries")).isEqualTo(2);
        }
    }

    @Test
    void aDeadLetterThatCannotBeWrittenIsTriedAgainAndHoldsUpItsUserOnly() throws Exception {
        String deadLetterTopic = Topics.handlerDeadLetter("unkept");
        String other = userBeside("u3", LANES);
        try (WebhookReceiver receiver = WebhookReceiver.answeringBy(r -> r.header("ce-id").startsWith("u3-") ? 400 : 200);
             Handlers handlers = start("unkept", handler(receiver.url(), List.of(), List.of(), 5, QUICK), Duration.ofSeconds(2));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bus.bootstrap()))) {
            // the broker creates no topic on its own: the dead letters have nowhere to go
            admin.deleteTopics(List.of(deadLetterTopic)).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(deadLetterTopic));
            RecordMetadata blocked = bus.publish(track("u3-1", "u3", "Clicked"));
            RecordMetadata beside = bus.publish(track("u3-2", "u3", "Clicked"), track(other + "-1", other, "Clicked"),
                    track(other + "-2", other, "Clicked"));
            assertThat(beside.partition()).as("after it on its partition").isEqualTo(blocked.partition());

            await().atMost(Duration.ofSeconds(60)).until(() -> idsOf(receiver.requests(), "u3").size() >= 3
                    && counter("eddy.handler.events", "outcome", "delivered") == 2);
            assertThat(idsOf(receiver.requests(), "u3")).as("posted again after each failed dead letter, and u3-2 held behind it")
                    .containsOnly("u3-1");
            assertThat(idsOf(receiver.requests(), other)).as("another user's, in another lane, go on")
                    .containsExactly(other + "-1", other + "-2");
            // a commit round after the other user's were done: it commits a marker's partition, and
            // would carry a place past the blocked record had one been taken
            RecordMetadata marker = publishElsewhere("marker", blocked.partition());
            TopicPartition markers = new TopicPartition(Topics.EVENTS, marker.partition());
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(admin, "unkept", markers) > marker.offset());
            TopicPartition partition = new TopicPartition(Topics.EVENTS, blocked.partition());
            assertThat(committed(admin, "unkept", partition)).as("not past it, though the other user's after it are done")
                    .isEqualTo(blocked.offset());
            try (TopicAdmin topics = new TopicAdmin(bus.bootstrap())) {
                topics.ensureTopic(TopicPlan.defaults(), deadLetterTopic);
            }

            // at least once: a dead letter whose acknowledgement came after the handler gave up on
            // it is written again, so u3-1 may be there twice, but always before u3-2
            List<String> kept = await().atMost(Duration.ofSeconds(60))
                    // one may come between counting and reading them: read again
                    .ignoreExceptionsMatching(AssertionError.class::isInstance)
                    .until(() -> deadLetters("unkept",
                    (int) TopicReader.endOffsetSum(bus.bootstrap(), deadLetterTopic)).stream()
                    .map(r -> headers(r).get("ce_id")).toList(), ids -> ids.contains("u3-2"));
            assertThat(kept.stream().distinct()).containsExactly("u3-1", "u3-2");
            assertThat(kept.lastIndexOf("u3-1")).isLessThan(kept.indexOf("u3-2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> lag("unkept") == 0);
        }
    }

    @Test
    void postsTheEventsOfDifferentUsersAtOnceAndEachUsersInOrder() throws Exception {
        List<String> users = usersOnDistinctLanes("par", 4, 4);
        CountDownLatch fourInFlight = new CountDownLatch(4);
        // with fewer lanes the first posts wait in vain, the four only reached by later ones
        AtomicInteger waitedInVain = new AtomicInteger();
        try (WebhookReceiver receiver = new WebhookReceiver(n -> {
                 fourInFlight.countDown();
                 try {
                     if (!fourInFlight.await(30, TimeUnit.SECONDS)) waitedInVain.incrementAndGet();
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return 200;
             });
             Handlers handlers = start("parallel", patientHandler(receiver.url(), 4))) {
            List<Event> events = eventsOf(users, 3);
            bus.publish(events.toArray(Event[]::new));

            await().atMost(Duration.ofSeconds(60)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 12);
            assertThat(fourInFlight.getCount()).as("four posts in flight at once").isZero();
            assertThat(waitedInVain).as("posts that waited for the four in vain").hasValue(0);
            List<WebhookReceiver.Request> got = receiver.requests();
            assertThat(got).extracting(r -> r.header("Idempotency-Key")).as("each once")
                    .containsExactlyInAnyOrderElementsOf(events.stream().map(Event::dedupKey).toList());
            for (String user : users) {
                assertThat(idsOf(got, user)).as("in the order on the bus").containsExactly(user + "-1", user + "-2", user + "-3");
            }
        }
    }

    @Test
    void aSlowUserDoesNotHoldTheOthersUp() throws Exception {
        List<String> users = usersOnDistinctLanes("slow", 2, LANES);
        String slow = users.get(0);
        String quick = users.get(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver receiver = WebhookReceiver.answeringBy(request -> {
                 if (request.header("ce-id").startsWith(slow + "-")) awaitQuietly(release);
                 return 200;
             });
             Handlers handlers = start("unhurried", patientHandler(receiver.url(), LANES))) {
            bus.publish(eventsOf(users, 3).toArray(Event[]::new));

            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 3);
            assertThat(idsOf(receiver.requests(), quick)).containsExactly(quick + "-1", quick + "-2", quick + "-3");
            assertThat(idsOf(receiver.requests(), slow)).as("held, its next behind it").containsExactly(slow + "-1");
            release.countDown();

            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 6);
            assertThat(idsOf(receiver.requests(), slow)).containsExactly(slow + "-1", slow + "-2", slow + "-3");
            await().atMost(Duration.ofSeconds(30)).until(() -> lag("unhurried") == 0);
        }
    }

    @Test
    void aStopMidFlightLosesNothingAndPostsAgainOnlyWhatWasNotDone() throws Exception {
        List<String> users = usersOnDistinctLanes("again", 3, 4);
        String held = users.get(2);
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver receiver = WebhookReceiver.answeringBy(request -> {
            if (request.header("ce-id").equals(held + "-2")) awaitQuietly(release);
            return 200;
        })) {
            EddyConfig.Handler config = patientHandler(receiver.url(), 4);
            Handlers handlers = start("restarting", config);
            List<Event> events = new ArrayList<>(eventsOf(users.subList(0, 2), 3));
            events.addAll(eventsOf(List.of(held), 3)); // after the others: on any partition, theirs come before it
            bus.publish(events.toArray(Event[]::new));
            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 7
                    && idsOf(receiver.requests(), held).contains(held + "-2"));
            assertTimeoutPreemptively(Duration.ofSeconds(30), handlers::close); // held-2 in flight, held-3 behind it
            release.countDown();
            int firstRun = receiver.requests().size();
            Event whileStopped = track(users.get(0) + "-4", users.get(0), "Clicked");
            bus.publish(whileStopped);

            try (Handlers again = start("restarting", config)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 10);
                List<WebhookReceiver.Request> all = receiver.requests();
                List<WebhookReceiver.Request> secondRun = all.subList(firstRun, all.size());
                assertThat(secondRun).extracting(r -> r.header("ce-id")).as("what was done before the stop was committed")
                        .containsExactlyInAnyOrder(held + "-2", held + "-3", whileStopped.messageId());
                assertThat(idsOf(secondRun, held)).containsExactly(held + "-2", held + "-3");
                events.add(whileStopped);
                assertThat(all).extracting(r -> r.header("Idempotency-Key")).as("none lost")
                        .containsAll(events.stream().map(Event::dedupKey).toList());
            }
        }
    }

    /** Publishes an event of a user, {@code prefix}-0, -1, …, until one lands on another partition than {@code partition}. */
    private static RecordMetadata publishElsewhere(String prefix, int partition) throws Exception {
        for (int i = 0; ; i++) {
            RecordMetadata written = bus.publish(track(prefix + "-" + i, prefix + "-" + i, "Clicked"));
            if (written.partition() != partition) return written;
        }
    }

    @Test
    void aStopDoesNotWaitForAReceiverThatHoldsThePostUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver receiver = new WebhookReceiver(n -> {
            if (n == 1) awaitQuietly(release);
            return 200;
        })) {
            // an attempt may take a minute: the stop must not wait for it
            EddyConfig.Handler config = new EddyConfig.Handler(receiver.url(), EddyConfig.Handler.EVENTS, List.of(), List.of(), 5, QUICK, QUICK,
                    Duration.ofMinutes(1), LANES);
            Handlers handlers = start("held", config);
            bus.publish(track("h1", "u1", "Clicked"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 1);
            assertTimeoutPreemptively(Duration.ofSeconds(30), handlers::close);
            release.countDown();

            try (Handlers again = start("held", config)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 1);
                assertThat(receiver.requests()).extracting(r -> r.header("ce-id") + "#" + r.header("Eddy-Attempt"))
                        .containsExactly("h1#1", "h1#1");
            }
        }
    }

    @Test
    void aReceiverNobodyListensOnIsRetriedThenDeadLettered() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Handlers handlers = start("nobody", handler("http://127.0.0.1:" + closedPort + "/hook", List.of(), List.of(), 2, QUICK))) {
            bus.publish(track("c1", "u1", "Clicked"));

            Map<String, String> dead = headers(deadLetters("nobody", 1).get(0));
            assertThat(dead.get(DeadLetter.REASON))
                    .startsWith("gave up after 2 attempts, the last cannot connect to 127.0.0.1:" + closedPort);
            assertThat(dead).containsEntry(DeadLetter.ATTEMPTS, "2").doesNotContainKey(DeadLetter.STATUS);
        }
    }

    @Test
    void aRecordThatIsNotAnEventIsKeptAndTheEventsAfterItStillGoOut() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.answering(200);
             Handlers handlers = start("strict", handler(receiver.url(), List.of(), List.of(), 5, QUICK));
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                     EventPublisher.config(bus.bootstrap(), PRODUCE_TIMEOUT, PRODUCE_TIMEOUT),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = "u9".getBytes(StandardCharsets.UTF_8);
            raw.send(new ProducerRecord<>(Topics.EVENTS, key, "{not json".getBytes(StandardCharsets.UTF_8))).get();
            bus.publish(track("after", "u9", "Clicked")); // same user, same partition, after it

            ConsumerRecord<byte[], byte[]> dead = deadLetters("strict", 1).get(0);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(headers(dead).get(DeadLetter.REASON)).startsWith("not a canonical event: ");
            assertThat(headers(dead)).containsEntry(DeadLetter.ATTEMPTS, "0");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 1);
            assertThat(receiver.requests().get(0).header("ce-id")).isEqualTo("after");
        }
    }

    @Test
    void resumesWhereItStoppedAndPostsAgainWhatItHadNotFinished() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n == 1 ? 200 : 503)) {
            // a long backoff: the second event is still waiting for its retry when the handler stops
            EddyConfig.Handler config = handler(receiver.url(), List.of(), List.of(), 5, Duration.ofMinutes(10));
            try (Handlers handlers = start("resuming", config)) {
                bus.publish(track("s1", "u1", "Clicked"), track("s2", "u1", "Clicked"));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 2);
            }
            bus.publish(track("s3", "u1", "Clicked")); // while stopped

            try (Handlers handlers = start("resuming", config)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 3);
                // the delivered s1 is not posted again; s2 is, from its first attempt; s3 waits behind it
                assertThat(receiver.requests()).extracting(r -> r.header("ce-id") + "#" + r.header("Eddy-Attempt"))
                        .containsExactly("s1#1", "s2#1", "s2#1");
            }
        }
    }

    @Test
    void aHandlerOfAlertsPostsTheCommittedAlertsOfItsSeriesAndKeepsWhatIsNoAlert() throws Exception {
        Alert fired = alert("Order Completed", "10:00", Alert.State.FIRING);
        Alert otherSeries = alert("page", "10:00", Alert.State.FIRING);
        Alert aborted = alert("Order Completed", "10:01", Alert.State.RESOLVED);
        Alert resolved = alert("Order Completed", "10:02", Alert.State.RESOLVED);
        byte[] notAnAlert = EventJson.encode(track("x1", "u1", "Order Completed"));
        Map<String, Object> transactional = new HashMap<>(EventPublisher.config(bus.bootstrap(), PRODUCE_TIMEOUT, PRODUCE_TIMEOUT));
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "handlers-it-alerts");
        try (WebhookReceiver receiver = WebhookReceiver.answering(200);
             Handlers handlers = start("alerting", new EddyConfig.Handler(receiver.url(), EddyConfig.Handler.ALERTS, List.of(),
                     List.of("Order Completed"), 5, QUICK, QUICK.multipliedBy(4), Duration.ofSeconds(5), LANES));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(transactional, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(alertRecord(fired));
            producer.send(alertRecord(otherSeries));
            producer.send(new ProducerRecord<>(Topics.ALERTS, "Order Completed".getBytes(StandardCharsets.UTF_8), notAnAlert));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(alertRecord(aborted));
            producer.flush(); // on the topic, then aborted
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(alertRecord(resolved));
            producer.commitTransaction();

            await().atMost(Duration.ofSeconds(30)).until(() -> counter("eddy.handler.events", "outcome", "delivered") == 2);
            // one partition: the aborted alert came before the last one, which is in
            List<WebhookReceiver.Request> got = receiver.requests();
            assertThat(got).extracting(WebhookReceiver.Request::body).as("the alerts' JSON, unchanged")
                    .containsExactly(AlertJson.encode(fired), AlertJson.encode(resolved));
            assertThat(got.get(0).header("Content-Type")).isEqualTo("application/json");
            assertThat(got.get(0).header("ce-specversion")).isEqualTo("1.0");
            assertThat(got.get(0).header("ce-id")).isEqualTo("Order%20Completed@2026-11-27T10:00:00Z/firing");
            assertThat(got.get(0).header("ce-type")).isEqualTo("eddy.alert.firing");
            assertThat(got.get(0).header("ce-source")).isEqualTo("eddy:alerts");
            assertThat(got.get(0).header("ce-time")).isEqualTo("2026-11-27T10:01:00Z");
            assertThat(got.get(0).header("Idempotency-Key")).isEqualTo("Order%20Completed@2026-11-27T10:00:00Z/firing");
            assertThat(got.get(0).header("Eddy-Handler")).isEqualTo("alerting");
            assertThat(got.get(0).header("Eddy-Attempt")).isEqualTo("1");
            assertThat(got.get(1).header("ce-type")).isEqualTo("eddy.alert.resolved");
            assertThat(got.get(1).header("Idempotency-Key")).isEqualTo("Order%20Completed@2026-11-27T10:02:00Z/resolved");

            ConsumerRecord<byte[], byte[]> dead = deadLetters("alerting", 1).get(0);
            assertThat(dead.value()).isEqualTo(notAnAlert);
            assertThat(headers(dead).get(DeadLetter.REASON)).startsWith("not an alert: ");
            assertThat(headers(dead)).containsEntry(DeadLetter.ATTEMPTS, "0").containsEntry(DeadLetter.TOPIC, Topics.ALERTS)
                    .doesNotContainKey(DeadLetter.STATUS);
            assertThat(counter("eddy.handler.events", "outcome", "dead_lettered")).isEqualTo(1);
            // its place steps over the transactions' markers: nothing is left to handle
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    registry.find("eddy.handler.lag").tag("handler", "alerting").gauge().value() == 0);
        }
    }

    private Handlers start(String name, EddyConfig.Handler config) {
        return start(name, config, PRODUCE_TIMEOUT);
    }

    private Handlers start(String name, EddyConfig.Handler config, Duration produceTimeout) {
        Handlers handlers = Handlers.start(Map.of(name, config), bus.bootstrap(), TopicPlan.defaults(),
                produceTimeout, registry);
        await().atMost(Duration.ofSeconds(30)).until(handlers::ready);
        return handlers;
    }

    private static EddyConfig.Handler handler(String url, List<String> types, List<String> events, int attempts, Duration backoff) {
        return new EddyConfig.Handler(url, EddyConfig.Handler.EVENTS, types, events, attempts, backoff, backoff.multipliedBy(4),
                Duration.ofSeconds(5), LANES);
    }

    /** Of every event, 5 attempts: a minute each, so that a receiver may hold a post up as long as a test needs. */
    private static EddyConfig.Handler patientHandler(String url, int concurrency) {
        return new EddyConfig.Handler(url, EddyConfig.Handler.EVENTS, List.of(), List.of(), 5, QUICK, QUICK, Duration.ofMinutes(1),
                concurrency);
    }

    /** Users whose events go to as many different lanes of a handler with this concurrency. */
    private static List<String> usersOnDistinctLanes(String prefix, int count, int concurrency) {
        Map<Integer, String> userOfLane = new LinkedHashMap<>();
        for (int n = 1; userOfLane.size() < count; n++) userOfLane.putIfAbsent(laneOf(prefix + n, concurrency), prefix + n);
        return List.copyOf(userOfLane.values());
    }

    /** A user whose events are on the same partition as {@code user}'s, in another lane. */
    private static String userBeside(String user, int concurrency) {
        return IntStream.rangeClosed(1, 10_000).mapToObj(n -> "beside" + n)
                .filter(other -> partitionOf(other) == partitionOf(user) && laneOf(other, concurrency) != laneOf(user, concurrency))
                .findFirst().orElseThrow();
    }

    private static int laneOf(String user, int concurrency) {
        return Lanes.laneOf(user.getBytes(StandardCharsets.UTF_8), 0, concurrency);
    }

    /** As the publisher's producer partitions it, by the user. */
    private static int partitionOf(String user) {
        return BuiltInPartitioner.partitionForKey(user.getBytes(StandardCharsets.UTF_8),
                TopicPlan.defaults().partitionsOf(Topics.EVENTS));
    }

    /** Events {@code <user>-1} … {@code <user>-<count>} of each user, one of each in turn. */
    private static List<Event> eventsOf(List<String> users, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            for (String user : users) events.add(track(user + "-" + i, user, "Clicked"));
        }
        return events;
    }

    /** The {@code ce-id}s of a user's events in these requests, in the order received. */
    private static List<String> idsOf(List<WebhookReceiver.Request> requests, String user) {
        return requests.stream().map(r -> r.header("ce-id")).filter(id -> id.startsWith(user + "-")).toList();
    }

    private static long committed(Admin admin, String handler, TopicPartition partition) throws Exception {
        OffsetAndMetadata place = admin.listConsumerGroupOffsets(Handlers.groupOf(handler)).partitionsToOffsetAndMetadata().get()
                .get(partition);
        return place == null ? -1 : place.offset();
    }

    private double lag(String handler) {
        return registry.find("eddy.handler.lag").tag("handler", handler).gauge().value();
    }



    private static Alert alert(String series, String minute, Alert.State state) {
        return new Alert(series, Instant.parse("2026-11-27T" + minute + ":00Z"), state, Alert.Kind.SPIKE, 90, 40.0, 20.0, 60.0,
                series + " spiked");
    }

    /** As the analytics job writes it: keyed by series, its CloudEvents attributes as ce_ headers. */
    private static ProducerRecord<byte[], byte[]> alertRecord(Alert alert) {
        RecordHeaders headers = new RecordHeaders();
        AlertJson.cloudEventAttributes(alert).forEach((name, value) -> headers.add("ce_" + name, value.getBytes(StandardCharsets.UTF_8)));
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(Topics.ALERTS, null, alert.series().getBytes(StandardCharsets.UTF_8), AlertJson.encode(alert), headers);
    }



    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(String handler, int count) {
        return TopicReader.readAll(bus.bootstrap(), Topics.handlerDeadLetter(handler), count);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return headers;
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
