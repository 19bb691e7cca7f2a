package dev.eddy.workload.truth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.config.Durations;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.sessions.SessionMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a generator run should have produced, as written to {@code --truth FILE}:
 * {@code {"series":[{"start","event","count","users"}...],"pages":[{"start","page","views","visitors"}...],
 * "sessionGap":"30m","sessions":[{"start","sessions","ended","lengthMillis","events","bounces"}...],
 * "funnels":{"checkout":["page:Home",...]},"funnelRows":[{"funnel","start","reached":[...]}...],
 * "events":n,"duplicatesSent":m}}. Its {@code funnels} are written as the config's {@code funnels}
 * key takes them.
 *
 * @param series the final per-minute metrics, sorted by start then event
 * @param pages the final per-minute views of each page, sorted by start then page (in {@code event})
 * @param sessionGap the gap the sessions were split by, or null in a file from before the sessions view
 * @param sessions the sessions per minute of their start, all over, sorted by start
 * @param funnels the funnels the sessions were followed in, in order; none in a file from before the funnels view
 * @param funnelRows how far those sessions went in each funnel, per minute of their start: the rows of the
 *     funnels view, in the funnels' order, then by start
 * @param events distinct messages sent (every type, identify included)
 * @param duplicatesSent messages deliberately sent again, which must not be counted
 */
public record TruthFile(List<MinuteMetric> series, List<MinuteMetric> pages, Duration sessionGap,
                        List<SessionMetric> sessions, List<Funnel> funnels, List<FunnelMetric> funnelRows,
                        long events, long duplicatesSent) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public TruthFile {
        series = List.copyOf(Objects.requireNonNull(series, "series"));
        pages = List.copyOf(Objects.requireNonNull(pages, "pages"));
        sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
        funnels = List.copyOf(Objects.requireNonNull(funnels, "funnels"));
        funnelRows = List.copyOf(Objects.requireNonNull(funnelRows, "funnelRows"));
    }

    /**
     * @param sessionGap the gap to split the truth's sessions by: the Eddy's {@code stream.sessionGap}
     * @param funnels the funnels to follow the sessions in: the Eddy's {@code funnels}
     */
    public static TruthFile of(GroundTruth truth, long duplicatesSent, Duration sessionGap, Funnels funnels) {
        return new TruthFile(truth.metrics(), truth.pages(), sessionGap, truth.sessions(sessionGap), funnels.list(),
                truth.funnels(sessionGap, funnels), truth.events(), duplicatesSent);
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
        ObjectNode definitions = root.putObject("funnels");
        for (Funnel funnel : funnels) {
            ArrayNode steps = definitions.putArray(funnel.name());
            funnel.steps().forEach(step -> steps.add(step.toString()));
        }
        ArrayNode funnelMinutes = root.putArray("funnelRows");
        for (FunnelMetric row : funnelRows) {
            ArrayNode reached = funnelMinutes.addObject().put("funnel", row.funnel()).put("start", row.start().toString())
                    .putArray("reached");
            row.reached().forEach(reached::add);
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
        // pages, sessions and funnels are absent from the files of versions before their views
        JsonNode gap = root.path("sessionGap");
        List<SessionMetric> sessions = new ArrayList<>();
        for (JsonNode row : root.path("sessions")) {
            sessions.add(new SessionMetric(Instant.parse(row.path("start").asText()), row.path("sessions").asLong(),
                    row.path("ended").asLong(), row.path("lengthMillis").asLong(), row.path("events").asLong(),
                    row.path("bounces").asLong()));
        }
        return new TruthFile(SERIES.read(root), PAGES.read(root), gap.isTextual() ? Durations.parse(gap.asText()) : null,
                sessions, readFunnels(root), readFunnelRows(root), root.path("events").asLong(),
                root.path("duplicatesSent").asLong());
    }

    private static List<Funnel> readFunnels(JsonNode root) throws IOException {
        List<Funnel> funnels = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("funnels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> funnel = it.next();
            List<FunnelStep> steps = new ArrayList<>();
            for (JsonNode step : funnel.getValue()) {
                try {
                    steps.add(FunnelStep.parse(step.asText()));
                } catch (IllegalArgumentException e) {
                    throw new IOException("not a truth file: funnel " + funnel.getKey() + ": " + e.getMessage(), e);
                }
            }
            funnels.add(new Funnel(funnel.getKey(), steps));
        }
        return funnels;
    }

    private static List<FunnelMetric> readFunnelRows(JsonNode root) {
        List<FunnelMetric> rows = new ArrayList<>();
        for (JsonNode row : root.path("funnelRows")) {
            List<Long> reached = new ArrayList<>();
            row.path("reached").forEach(n -> reached.add(n.asLong()));
            rows.add(new FunnelMetric(row.path("funnel").asText(), Instant.parse(row.path("start").asText()), reached));
        }
        return rows;
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
