package dev.eddy.stream.metrics;

import static dev.eddy.stream.event.TestEvents.analytics;
import static dev.eddy.stream.event.TestEvents.analyticsTrack;
import static dev.eddy.stream.event.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.model.EventJson;
import dev.eddy.model.EventType;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.stream.event.AnalyticsEvent;
import dev.eddy.stream.event.LateEvent;
import dev.eddy.stream.event.TestEvents;
import dev.eddy.stream.sessions.Visit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MinuteMetricsOperatorTest {

    private static final Duration LATENESS = Duration.ofMinutes(10);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** 2023-11-14T22:13:00Z, a minute boundary. */
    private static final long START = 1_699_999_980_000L;
    private static final long END = START + 60_000;
    private static final Instant MINUTE = Instant.ofEpochMilli(START);

    private KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<WindowKey, AnalyticsEvent, MinuteMetric> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new MinuteMetricsOperator(LATENESS, INTERVAL),
                WindowKey::of,
                TypeInformation.of(WindowKey.class));
    }

    /** Checkpoint 1 taken at processing time 500, then a new operator restored from it at that time. */
    private void restartFromACheckpointAt500() throws Exception {
        // as a task does at every checkpoint: the operator writes its state behind
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 500);
        harness.close();
        harness = newHarness();
        harness.setProcessingTime(500);
        harness.initializeState(snapshot);
        harness.open();
    }

    private void send(AnalyticsEvent event) throws Exception {
        harness.processElement(event, event.timestampMillis());
    }

    private List<MinuteMetric> drainOutput() {
        List<MinuteMetric> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    @Test
    void emitsTheOpenMinuteAtEachTickWhileItChanges() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        send(analyticsTrack("m2", "Signed Up", "bob", START + 2_000));
        send(analyticsTrack("m3", "Signed Up", "alice", START + 3_000));
        send(analytics(TestEvents.event("m4", EventType.TRACK, "Signed Up", null, START + 4_000)));
        assertThat(drainOutput()).isEmpty();

        harness.setProcessingTime(1_000);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 4, 2, false));

        harness.setProcessingTime(2_000);
        assertThat(drainOutput()).as("nothing changed, nothing emitted").isEmpty();

        send(analyticsTrack("m5", "Signed Up", "carol", START + 5_000));
        harness.setProcessingTime(2_500);
        assertThat(drainOutput()).as("at most one update per interval").isEmpty();
        harness.setProcessingTime(3_000);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 5, 3, false));
    }

    @Test
    void keepsSeriesAndMinutesApart() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        send(analyticsTrack("m2", "Clicked", "alice", START + 1_000));
        send(analyticsTrack("m3", "Signed Up", "alice", END + 1_000));

        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).containsExactlyInAnyOrder(
                new MinuteMetric(MINUTE, "Signed Up", 1, 1, false),
                new MinuteMetric(MINUTE, "Clicked", 1, 1, false),
                new MinuteMetric(Instant.ofEpochMilli(END), "Signed Up", 1, 1, false));
    }

    @Test
    void emitsFinalFiguresWhenTheWatermarkPassesTheMinute() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        send(analyticsTrack("m2", "Signed Up", "bob", START + 59_999));

        harness.processWatermark(END - 2);
        assertThat(drainOutput()).isEmpty();

        harness.processWatermark(END - 1);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 2, 2, true));

        harness.setProcessingTime(1_000);
        assertThat(drainOutput()).as("the final row already carried every change").isEmpty();
    }

    @Test
    void countsEventsLateWithinTheAllowedLatenessAndEmitsFinalAgain() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        harness.processWatermark(END + 30_000);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, true));

        send(analyticsTrack("m2", "Signed Up", "bob", START + 2_000));
        send(analyticsTrack("m3", "Signed Up", "alice", START + 3_000));
        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 3, 2, true));
        assertThat(harness.getSideOutput(MinuteMetricsOperator.TOO_LATE)).isNull();
    }

    @Test
    void emitsAMinuteFirstSeenLateAsFinal() throws Exception {
        harness.processWatermark(END + 30_000);
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));

        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, true));
        assertThat(harness.numEventTimeTimers()).as("only the cleanup timer").isEqualTo(1);
    }

    @Test
    void sendsEventsLaterThanTheAllowedLatenessToTheSideOutputUnchanged() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        long cleanup = END - 1 + LATENESS.toMillis();
        harness.processWatermark(cleanup);
        drainOutput();

        var tooLate = track("m2", "Signed Up", "bob", START + 2_000);
        byte[] json = EventJson.encode(tooLate);
        send(AnalyticsEvent.of(tooLate, json));

        assertThat(drainOutput()).isEmpty();
        List<LateEvent> late = harness.getSideOutput(MinuteMetricsOperator.TOO_LATE).stream()
                .map(StreamRecord::getValue)
                .toList();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).eventJson()).isEqualTo(json);
        assertThat(late.get(0).lateByMs()).isEqualTo(cleanup - (START + 2_000));
        assertThat(harness.numKeyedStateEntries()).as("a late event creates no state").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void handsTheVisitOfEachEventItCountsToTheSessions() throws Exception {
        send(analytics(TestEvents.event("m1", EventType.TRACK, "Signed Up", "alice", "anon-1", START + 1_000)));
        send(analyticsTrack("m2", "Signed Up", "bob", START + 2_000));
        send(analytics(TestEvents.event("m3", EventType.TRACK, "Signed Up", null, START + 3_000)));
        harness.processWatermark(END - 1 + LATENESS.toMillis());
        send(analyticsTrack("m4", "Signed Up", "carol", START + 4_000));

        assertThat(harness.getSideOutput(MinuteMetricsOperator.COUNTED))
                .as("the anonymous id first; none for an event without visitor, nor a late one")
                .extracting(StreamRecord::getValue, StreamRecord::getTimestamp)
                .containsExactly(tuple(new Visit("a:anon-1", START + 1_000, 0), START + 1_000),
                        tuple(new Visit("u:bob", START + 2_000, 0), START + 2_000));
    }

    @Test
    void countsThePagesOfPageViewsAndDropsTheirLateOnesWhenAskedTo() throws Exception {
        try (var pages = new KeyedOneInputStreamOperatorTestHarness<>(
                MinuteMetricsOperator.droppingLateEvents(LATENESS, INTERVAL), WindowKey::ofPage,
                TypeInformation.of(WindowKey.class))) {
            pages.open();
            for (AnalyticsEvent view : List.of(pageView("p1", "/pricing", "alice", START + 1_000),
                    pageView("p2", "/pricing", "bob", START + 2_000), pageView("p3", "/pricing", "alice", START + 3_000),
                    pageView("p4", "/", "alice", START + 4_000))) {
                pages.processElement(view, view.timestampMillis());
            }
            pages.processWatermark(END - 1 + LATENESS.toMillis());
            AnalyticsEvent tooLate = pageView("p5", "/pricing", "carol", START + 5_000);
            pages.processElement(tooLate, tooLate.timestampMillis());

            assertThat(pages.extractOutputValues()).containsExactlyInAnyOrder(
                    new MinuteMetric(MINUTE, "/pricing", 3, 2, true), new MinuteMetric(MINUTE, "/", 1, 1, true));
            assertThat(pages.getSideOutput(MinuteMetricsOperator.TOO_LATE)).isNull();
            assertThat(pages.getSideOutput(MinuteMetricsOperator.COUNTED)).as("the series step does").isNull();
            assertThat(pages.numKeyedStateEntries()).isZero();
            assertThat(pages.numEventTimeTimers()).isZero();
        }
    }

    private static AnalyticsEvent pageView(String messageId, String path, String user, long timestampMillis) {
        AnalyticsEvent page = analytics(TestEvents.event(messageId, EventType.PAGE, "Page", user, timestampMillis));
        return new AnalyticsEvent(page.dedupKey(), page.series(), path, page.userKey(), page.visitorKey(), 0, timestampMillis,
                page.eventJson());
    }

    @Test
    void dropsStateAndTimersAfterTheAllowedLatenessFlushingPendingFigures() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        send(analyticsTrack("m2", "Clicked", null, START + 1_000));
        harness.processWatermark(END);
        drainOutput();
        send(analyticsTrack("m3", "Signed Up", "bob", START + 2_000));
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.processWatermark(END - 1 + LATENESS.toMillis());

        assertThat(drainOutput()).as("the pending late update goes out before the state goes")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 2, 2, true));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void emitsWhatACheckpointHeldUnemittedAfterARestore() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        harness.processWatermark(END);
        send(analyticsTrack("m2", "Signed Up", "bob", START + 2_000));

        restartFromACheckpointAt500();
        assertThat(harness.numProcessingTimeTimers()).as("the update timer is restored").isEqualTo(1);

        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).as("final again although the restored watermark starts from nothing")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 2, 2, true));
    }

    @Test
    void judgesLatenessByTheRestoredWatermarkUntilTheInputsSendOne() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        long cleanup = END - 1 + LATENESS.toMillis();
        harness.processWatermark(cleanup);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, true));

        restartFromACheckpointAt500();
        // no watermark yet, as after a restore until every input has sent one
        var tooLate = track("m2", "Signed Up", "bob", START + 2_000);
        send(AnalyticsEvent.of(tooLate, EventJson.encode(tooLate)));
        harness.processWatermark(cleanup + 1_000);
        harness.setProcessingTime(1_000);

        assertThat(drainOutput()).as("no fresh window whose final row would replace the right one").isEmpty();
        assertThat(harness.getSideOutput(MinuteMetricsOperator.TOO_LATE)).extracting(r -> r.getValue().lateByMs())
                .containsExactly(cleanup - (START + 2_000));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void closesAMinuteARestoreLeftOpenOnceEveryInputIsIdle() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 50_000));
        harness.processWatermark(START + 45_000);

        // restored at 500; nothing replayed, nothing new: the sources go idle and send no watermark
        restartFromACheckpointAt500();
        harness.setProcessingTime(30_000);
        assertThat(drainOutput()).as("not idle: the live row only")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, false));

        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.setProcessingTime(30_000 + 14_000);
        assertThat(drainOutput()).as("idle for 14 s: event time at 59 s into the minute").isEmpty();
        // idle for 15 s: the restored watermark moves on by 15 s, to the minute's end
        harness.setProcessingTime(30_000 + 15_000);
        assertThat(drainOutput()).containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, true));
    }

    @Test
    void passesOnTheEventTimeItMovesWhileIdleAnnouncingItselfActive() throws Exception {
        harness.processWatermark(START);
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.getOutput().clear();

        harness.setProcessingTime(5_000);

        // an idle output's watermarks are dropped: downstream would never see the minutes close
        assertThat(harness.getOutput()).containsExactly(WatermarkStatus.ACTIVE, new Watermark(START + 5_000));
    }

    @Test
    void movesNoEventTimeOfItsOwnWhileAnInputIsStalledButNotIdle() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 50_000));
        harness.processWatermark(START + 45_000);
        harness.setProcessingTime(Duration.ofHours(3).toMillis());

        assertThat(drainOutput()).as("a backlog may wait behind a stall: the minute stays open")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, false));
    }

    @Test
    void movesEventTimeOnlyFromAWatermarkItKnew() throws Exception {
        send(analyticsTrack("m1", "Signed Up", "alice", START + 1_000));
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.setProcessingTime(Duration.ofHours(3).toMillis());

        assertThat(drainOutput()).as("idle for hours, but no watermark ever came: the minute stays open")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, false));
    }

    @Test
    void neverMovesEventTimeBackWhenTheInputsWatermarkIsBehindAnIdleStretch() throws Exception {
        harness.processWatermark(START);
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.setProcessingTime(70_000);
        // idle for 70 s: event time is START + 70 s; the inputs come back at START + 10 s
        harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
        harness.processWatermark(START + 10_000);
        send(analyticsTrack("m1", "Signed Up", "alice", START + 20_000));
        harness.setProcessingTime(71_000);

        assertThat(drainOutput()).as("the minute was complete before the event came")
                .containsExactly(new MinuteMetric(MINUTE, "Signed Up", 1, 1, true));
    }
}
