package dev.eddy.workload;

import dev.eddy.model.funnels.Funnels;
import dev.eddy.workload.send.SegmentClient;
import dev.eddy.workload.send.SendProgress;
import dev.eddy.workload.send.SendSummary;
import dev.eddy.workload.send.TrafficSender;
import dev.eddy.workload.traffic.TrafficGenerator;
import dev.eddy.workload.traffic.TrafficProfile;
import dev.eddy.workload.truth.GroundTruth;
import dev.eddy.workload.truth.TruthFile;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of simulated traffic against an Eddy (or any Segment-compatible) endpoint: generates
 * messages starting now at the given rate, sends them paced at that same rate, so event time is
 * about send time, and records the exact ground truth of what was sent. What {@code eddy generate}
 * and {@code eddy demo} run.
 */
public final class TrafficRun {

    /**
     * @param summary what the sender did
     * @param truth the exact per-minute metrics of what was sent, or null when not recorded
     */
    public record Result(SendSummary summary, TruthFile truth) {}

    private final TrafficGenerator generator;
    private final TrafficSender sender;
    private final Long count;
    private final Duration duration;
    private final GroundTruth truth;
    private final Duration sessionGap;
    private final Funnels funnels;

    private TrafficRun(Builder b) {
        this.generator = TrafficGenerator.builder().seed(b.seed).start(b.start == null ? Instant.now() : b.start)
                .rate(b.rate).profile(b.profile).build();
        SegmentClient client = SegmentClient.builder(b.url, b.writeKey).retryTimeout(b.retryTimeout).build();
        this.sender = TrafficSender.builder(client).rate(b.rate).batchSize(b.batchSize).concurrency(b.concurrency)
                .duplicateFraction(b.duplicateFraction).progress(b.progress).build();
        this.count = b.count;
        this.duration = b.duration;
        this.truth = b.recordTruth ? new GroundTruth() : null;
        this.sessionGap = b.sessionGap;
        this.funnels = b.funnels;
    }

    public static Builder builder(URI url, String writeKey) {
        return new Builder(url, writeKey);
    }

    /**
     * Sends until the count or duration is reached, or until {@link #stop()} when neither was set.
     *
     * @throws dev.eddy.workload.send.SendFailedException when a batch was rejected or never acknowledged
     */
    public Result run() throws InterruptedException {
        var source = truth == null ? generator : truth.recording(generator);
        SendSummary summary;
        if (count != null) summary = sender.send(source, count);
        else if (duration != null) summary = sender.sendFor(source, duration);
        else summary = sender.sendUntilStopped(source);
        return new Result(summary, truth == null ? null : TruthFile.of(truth, summary.duplicatesSent(), sessionGap, funnels));
    }

    /** Ends the run after its in-flight batches; {@link #run()} then returns normally. */
    public void stop() {
        sender.stop();
    }

    /** Messages the run will send, or -1 when it runs until stopped; for a progress bar's maximum. */
    public long plannedCount() {
        if (count != null) return count;
        if (duration != null) return (long) Math.ceil(generator.rate() * duration.toNanos() / 1e9);
        return -1;
    }

    public static final class Builder {
        private final URI url;
        private final String writeKey;
        private long seed = 1;
        private Instant start;
        private double rate = 100;
        private Long count;
        private Duration duration;
        private Duration retryTimeout = Duration.ofMinutes(10);
        private int batchSize = 100;
        private int concurrency = 4;
        private double duplicateFraction;
        private TrafficProfile profile = TrafficProfile.defaults();
        private SendProgress progress = SendProgress.NONE;
        private boolean recordTruth = true;
        private Duration sessionGap = Duration.ofMinutes(30);
        private Funnels funnels = new Funnels(List.of(TrafficProfile.CHECKOUT));

        private Builder(URI url, String writeKey) {
            this.url = Objects.requireNonNull(url, "url");
            this.writeKey = Objects.requireNonNull(writeKey, "writeKey");
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Nominal time of the first message; default now, so the events land in the current minute. */
        public Builder start(Instant value) {
            this.start = Objects.requireNonNull(value, "start");
            return this;
        }

        /** Events per second, both for the timestamps and for the pacing; default 100. */
        public Builder rate(double eventsPerSecond) {
            this.rate = eventsPerSecond;
            return this;
        }

        /** Sends exactly this many messages; excludes {@link #duration}. */
        public Builder count(long messages) {
            if (messages < 0) throw new IllegalArgumentException("count must not be negative: " + messages);
            this.count = messages;
            this.duration = null;
            return this;
        }

        /** Sends the {@code ceil(rate × duration)} messages due within it; excludes {@link #count}. */
        public Builder duration(Duration value) {
            this.duration = Objects.requireNonNull(value, "duration");
            this.count = null;
            return this;
        }

        public Builder retryTimeout(Duration value) {
            this.retryTimeout = Objects.requireNonNull(value, "retryTimeout");
            return this;
        }

        public Builder batchSize(int messages) {
            this.batchSize = messages;
            return this;
        }

        public Builder concurrency(int batches) {
            this.concurrency = batches;
            return this;
        }

        public Builder duplicateFraction(double fraction) {
            this.duplicateFraction = fraction;
            return this;
        }

        public Builder profile(TrafficProfile value) {
            this.profile = Objects.requireNonNull(value, "profile");
            return this;
        }

        public Builder progress(SendProgress listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
            return this;
        }

        /** Whether to keep ground truth (memory grows with the run); default true. Turn off for endless demos. */
        public Builder recordTruth(boolean value) {
            this.recordTruth = value;
            return this;
        }

        /**
         * The gap the truth's sessions are split by: the {@code stream.sessionGap} of the Eddy
         * sent to; default 30 min, as Eddy's.
         */
        public Builder sessionGap(Duration value) {
            if (value.isNegative() || value.isZero()) throw new IllegalArgumentException("sessionGap must be positive: " + value);
            this.sessionGap = value;
            return this;
        }

        /**
         * The funnels the truth follows the sessions in: the {@code funnels} of the Eddy sent to;
         * default the shop's, {@link TrafficProfile#CHECKOUT}.
         */
        public Builder funnels(Funnels value) {
            this.funnels = Objects.requireNonNull(value, "funnels");
            return this;
        }

        public TrafficRun build() {
            return new TrafficRun(this);
        }
    }
}
