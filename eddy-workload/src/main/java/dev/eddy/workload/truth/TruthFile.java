package dev.eddy.workload.truth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.config.Durations;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a generator run should have produced, as written to {@code --truth FILE}:
 * {@code {"series":[{"start","event","count","users"}...],"pages":[{"start","page","views","visitors"}...],
 * "sessionGap":"30m","sessions":[{"start","sessions","ended","lengthMillis","events","bounces"}...],
 * "events":n,"duplicatesSent":m}}.
 *
 * @param series the final per-minute metrics, sorted by start then event
 * @param pages the final per-minute views of each page, sorted by start then page (in {@code event})
 * @param sessionGap the gap the sessions were split by, or null in a file from before the sessions view
 * @param sessions the sessions per minute of their start, all over, sorted by start
 * @param events distinct messages sent (every type, identify included)
 * @param duplicatesSent messages deliberately sent again, which must not be counted
 */
public record TruthFile(List<MinuteMetric> series, List<MinuteMetric> pages, Duration sessionGap,
                        List<SessionMetric> sessions, long events, long duplicatesSent) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public TruthFile {
        series = List.copyOf(Objects.requireNonNull(series, "series"));
        pages = List.copyOf(Objects.requireNonNull(pages, "pages"));
        sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
    }

    /** @param sessionGap the gap to split the truth's sessions by: the Eddy's {@code stream.sessionGap} */
    public static TruthFile of(GroundTruth truth, long duplicatesSent, Duration sessionGap) {
        return new TruthFile(truth.metrics(), truth.pages(), sessionGap, truth.sessions(sessionGap), truth.events(),
                duplicatesSent);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        SERIES.write(series, root);
        PAGES.write(pages, root);
        if (sessionGap != null) root.put("sessionGap", Durations.format(sessionGap));
        ArrayNode sessionRows = root.putArray("sessions");
        for (SessionMetric row : sessions) {
            sessionRows.addObject().put("start", row.start().toString()).put("sessions", row.sessions())
                    .put("ended", row.ended()).put("lengthMillis", row.lengthMillis()).put("events", row.events())
                    .put("bounces", row.bounces());
        }
        root.put("events", events);
        root.put("duplicatesSent", duplicatesSent);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, toJson());
    }

    public static TruthFile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** @throws IOException when the text is not a truth file */
    public static TruthFile parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.path("series").isArray()) throw new IOException("not a truth file: no series array");
        // pages and sessions are absent from the files of versions before their views
        JsonNode gap = root.path("sessionGap");
        List<SessionMetric> sessions = new ArrayList<>();
        for (JsonNode row : root.path("sessions")) {
            sessions.add(new SessionMetric(Instant.parse(row.path("start").asText()), row.path("sessions").asLong(),
                    row.path("ended").asLong(), row.path("lengthMillis").asLong(), row.path("events").asLong(),
                    row.path("bounces").asLong()));
        }
        return new TruthFile(SERIES.read(root), PAGES.read(root), gap.isTextual() ? Durations.parse(gap.asText()) : null,
                sessions, root.path("events").asLong(), root.path("duplicatesSent").asLong());
    }

    private static final Rows SERIES = new Rows("series", "event", "count", "users");
    private static final Rows PAGES = new Rows("pages", "page", "views", "visitors");

    /** An array of final per-minute rows, and the names of its fields besides {@code start}. */
    private record Rows(String array, String name, String count, String users) {

        void write(List<MinuteMetric> metrics, ObjectNode root) {
            ArrayNode rows = root.putArray(array);
            for (MinuteMetric metric : metrics) {
                ObjectNode row = rows.addObject();
                row.put("start", metric.start().toString());
                row.put(name, metric.event());
                row.put(count, metric.count());
                row.put(users, metric.users());
            }
        }

        List<MinuteMetric> read(JsonNode root) {
            List<MinuteMetric> metrics = new ArrayList<>();
            for (JsonNode row : root.path(array)) {
                metrics.add(new MinuteMetric(Instant.parse(row.path("start").asText()), row.path(name).asText(),
                        row.path(count).asLong(), row.path(users).asLong(), true));
            }
            return metrics;
        }
    }
}
