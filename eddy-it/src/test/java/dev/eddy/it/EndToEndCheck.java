package dev.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eddy.model.Event;
import dev.eddy.runtime.InstanceFile;
import dev.eddy.runtime.process.EddyProcess;
import dev.eddy.workload.TrafficRun;
import dev.eddy.workload.send.SendSummary;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One uninterrupted end-to-end run against a fresh Eddy: the workload over HTTP, then the views
 * compared with the ground truth, and the pipeline's counters with what went over the wire.
 */
final class EndToEndCheck {
    static final Duration CONVERGENCE = Duration.ofMinutes(3);

    private EndToEndCheck() {}

    /** @return the events on {@code eddy.events}: each sent once, the deliberate duplicates twice */
    static List<Event> sendAndVerify(EddyProcess eddy, long seed, long count, double rate) throws Exception {
        InstanceFile instance = eddy.instance();
        TrafficRun.Result result = Traffic.run(URI.create(instance.url()), instance.writeKeys().get(0), seed, count,
                rate, Traffic.SOON_FINAL).build().run();
        SendSummary sent = result.summary();
        assertThat(sent.sent()).isEqualTo(count);
        assertThat(sent.acknowledged()).isEqualTo(count);
        assertThat(sent.duplicatesSent()).isPositive();

        EddyApi api = new EddyApi(instance);
        ExactViews.awaitEqual(api, result.truth(), CONVERGENCE);

        // no request was retried (a failed one may have published part of its batch), so the bus
        // holds each message once per request that carried it: once, twice for the deliberate duplicates
        long records = sent.sent() + sent.duplicatesSent();
        assertThat(sent.retries()).as("requests retried after a failure").isZero();
        assertThat(api.metric("eddy_ingest_events_accepted_total")).hasValue(records);
        List<Event> onTheBus = EventsTopic.read(instance.kafkaBootstrap(), records);
        long counted = EventsTopic.counted(onTheBus);
        // the job's counter comes through Flink's metric fetcher, which refreshes every few seconds
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(api.metric("eddy_pipeline_events_deduplicated"))
                .as("duplicates dropped: counted records on the bus minus distinct counted events")
                .hasValue(counted - ExactViews.countedEvents(result.truth())));
        return onTheBus;
    }
}
