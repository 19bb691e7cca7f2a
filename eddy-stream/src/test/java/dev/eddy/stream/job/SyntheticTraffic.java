package dev.eddy.stream.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.Event;
import dev.eddy.model.EventType;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Event number i of a deterministic stream: ten minutes of tracks, pages (most with a path),
 * screens and some identify calls, timestamps out of order by up to ±20 s, a few events without a user, and every
 * seventh event a client retry (an exact copy) of an earlier one.
 */
final class SyntheticTraffic {

    static final long BASE_MILLIS = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();
    static final long STEP_MILLIS = 120;
    private static final long SEED = 20240301L;
    private static final String[] NAMES = {"Signed Up", "Order Completed", "Clicked"};
    private static final String[] PAGE_NAMES = {"Home", "Pricing", "Docs"};
    /** A page's path; null for a page call without one, which counts under its name. */
    private static final String[] PATHS = {"/", "/pricing", "/docs/intro", "/docs/api", null};

    private SyntheticTraffic() {}

    static Event event(long i) {
        if (i % 7 == 3 && i >= 5) return original(i - 5);
        return original(i);
    }

    private static Event original(long i) {
        SplittableRandom random = new SplittableRandom(SEED ^ (i * 0x9E3779B97F4A7C15L));
        long ts = BASE_MILLIS + i * STEP_MILLIS + random.nextLong(-20_000, 20_001);
        int kind = random.nextInt(10);
        EventType type = kind < 6 ? EventType.TRACK : kind < 8 ? EventType.PAGE : kind < 9 ? EventType.SCREEN
                : EventType.IDENTIFY;
        String name = type == EventType.TRACK ? NAMES[random.nextInt(NAMES.length)]
                : PAGE_NAMES[random.nextInt(PAGE_NAMES.length)];
        String path = type == EventType.PAGE ? PATHS[random.nextInt(PATHS.length)] : null;
        ObjectNode properties = path == null ? null : JsonNodeFactory.instance.objectNode().put("path", path);
        boolean anonymous = random.nextInt(4) == 0;
        String user = "user-" + random.nextInt(60);
        Instant at = Instant.ofEpochMilli(ts);
        return new Event("msg-" + i, type, type == EventType.TRACK ? name : null,
                type == EventType.TRACK ? null : name, anonymous ? null : user, anonymous ? "anon-" + user : null,
                null, null, null, at, at, at, at, properties, null, null);
    }
}
