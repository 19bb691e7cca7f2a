package dev.eddy.workload.truth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.model.metrics.MinuteMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a generator run should have produced, as written to {@code --truth FILE}:
 * {@code {"series":[{"start","event","count","users"}...],"pages":[{"start","page","views","visitors"}...],
 * "events":n,"duplicatesSent":m}}.
 *
 * @param series the final per-minute metrics, sorted by start then event
 * @param pages the final per-minute views of each page, sorted by start then page (in {@code event})
 * @param events distinct messages sent (every type, identify included)
 * @param duplicatesSent messages deliberately sent again, which must not be counted
 */
public record TruthFile(List<MinuteMetric> series, List<MinuteMetric> pages, long events, long duplicatesSent) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public TruthFile {
        series = List.copyOf(Objects.requireNonNull(series, "series"));
        pages = List.copyOf(Objects.requireNonNull(pages, "pages"));
    }

    public static TruthFile of(GroundTruth truth, long duplicatesSent) {
        return new TruthFile(truth.metrics(), truth.pages(), truth.events(), duplicatesSent);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rows = root.putArray("series");
        for (MinuteMetric metric : series) {
            ObjectNode row = rows.addObject();
            row.put("start", metric.start().toString());
            row.put("event", metric.event());
            row.put("count", metric.count());
            row.put("users", metric.users());
        }
        ArrayNode pageRows = root.putArray("pages");
        for (MinuteMetric page : pages) {
            ObjectNode row = pageRows.addObject();
            row.put("start", page.start().toString());
            row.put("page", page.event());
            row.put("views", page.count());
            row.put("visitors", page.users());
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
        List<MinuteMetric> series = new ArrayList<>();
        for (JsonNode row : root.get("series")) {
            series.add(new MinuteMetric(Instant.parse(row.path("start").asText()), row.path("event").asText(),
                    row.path("count").asLong(), row.path("users").asLong(), true));
        }
        // absent from the files of versions before the pages view
        List<MinuteMetric> pages = new ArrayList<>();
        for (JsonNode row : root.path("pages")) {
            pages.add(new MinuteMetric(Instant.parse(row.path("start").asText()), row.path("page").asText(),
                    row.path("views").asLong(), row.path("visitors").asLong(), true));
        }
        return new TruthFile(series, pages, root.path("events").asLong(), root.path("duplicatesSent").asLong());
    }
}
