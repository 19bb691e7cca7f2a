package dev.eddy.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.eddy.model.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run, with the machine and sizes they were measured on: written as
 * {@code <UTC time>.json} and {@code <UTC time>.png}, and printed as a table.
 */
@JsonPropertyOrder({"machine", "figures", "settings", "time"})
public record BenchReport(MachineInfo machine, List<Figure> figures, BenchPlan settings, Instant time) {

    /** {@code 20260105T014712Z}: sorts by time and has no colon, which some file systems refuse. */
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @JsonIgnore
    public String baseName() {
        return FILE_TIME.format(time);
    }

    /** Writes the JSON and the chart into {@code dir}; returns the JSON file. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(baseName() + ".json");
        EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), this);
        BenchChart.write(this, dir.resolve(baseName() + ".png"));
        return json;
    }

    public static BenchReport read(Path json) throws IOException {
        return EventJson.MAPPER.readValue(json.toFile(), BenchReport.class);
    }

    /** One line per figure: value, and for the throughput figures the baseline and the ratio. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-15s %22s %22s %7s%n", "figure", "eddy", "baseline", "ratio"));
        for (Figure f : figures) {
            out.append(String.format(Locale.ROOT, "%-15s %22s %22s %7s%n", f.name(), amount(f.value(), f.unit()),
                    f.baseline() == null ? "" : amount(f.baseline(), f.unit()),
                    f.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", f.ratio())));
        }
        out.append(String.format(Locale.ROOT, "%s run on %d CPUs (%s), %d MB, %s%n", settings.mode(), machine.cpus(),
                machine.cpuModel(), machine.memoryMb(), machine.java()));
        return out.toString();
    }

    private static String amount(double value, String unit) {
        return String.format(Locale.ROOT, "%,.0f %s", value, unit);
    }
}
