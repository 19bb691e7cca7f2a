package dev.eddy.bench.jmh;

import dev.eddy.bench.ingest.CanonicalRecords;
import dev.eddy.bench.ingest.SegmentBatches;
import dev.eddy.model.Event;
import dev.eddy.model.EventJson;
import dev.eddy.stream.event.AnalyticsEvent;
import java.util.ArrayList;
import java.util.List;

/** The benchmarks' input: the bench's simulated traffic, as batch bodies and as canonical events. */
final class SampleTraffic {
    static final String WRITE_KEY = "jmh";
    static final int BATCH_SIZE = 100;

    private SampleTraffic() {}

    static SegmentBatches batches(int events) {
        return SegmentBatches.generate(42, events, BATCH_SIZE);
    }

    static List<Event> events(int count) {
        CanonicalRecords canonical = new CanonicalRecords(WRITE_KEY);
        List<Event> events = new ArrayList<>(count);
        for (byte[] body : batches(count).bodies()) events.addAll(canonical.events(body));
        return events;
    }

    /** The counted events in the analytics job's form. */
    static List<AnalyticsEvent> analyticsEvents(int count) {
        return events(count).stream().map(e -> AnalyticsEvent.of(e, EventJson.encode(e))).filter(AnalyticsEvent::counted).toList();
    }
}
