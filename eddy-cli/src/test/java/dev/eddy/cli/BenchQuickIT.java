package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.bench.BenchReport;
import dev.eddy.bench.Figure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy bench --quick} end to end, as a smoke test: it runs, and writes its JSON and chart
 * with every figure. No thresholds: on a shared machine the figures only say the bench works.
 * Here rather than in eddy-bench because Eddy runs as a child process of the {@code eddy}
 * command, which only this module has on its classpath.
 */
class BenchQuickIT {

    @Test
    void writesEveryFigureOfAQuickRun(@TempDir Path out) throws Exception {
        int exit = EddyCommand.commandLine().execute("bench", "--quick", "--out", out.toString());

        assertThat(exit).isZero();
        Path json;
        try (Stream<Path> files = Files.list(out)) {
            json = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        BenchReport report = BenchReport.read(json);
        assertThat(json.getFileName().toString()).isEqualTo(report.baseName() + ".json");
        assertThat(out.resolve(report.baseName() + ".png")).isNotEmptyFile();
        assertThat(report.figures()).extracting(Figure::name).containsExactly(
                "ingest", "stream", "freshness_p50", "freshness_p99", "freshness_max", "freshness_rate", "ready", "rss", "heap");
        assertThat(report.figures()).extracting(Figure::unit).containsExactly(
                "events/s", "events/s", "ms", "ms", "ms", "events/s", "ms", "MB", "MB");
        assertThat(report.figures()).allSatisfy(f -> assertThat(f.value()).isPositive());
        for (Figure throughput : report.figures().subList(0, 2)) {
            assertThat(throughput.baseline()).isPositive();
            assertThat(throughput.ratio()).isCloseTo(throughput.value() / throughput.baseline(), within(0.0005));
        }
        for (Figure single : report.figures().subList(2, 9)) {
            assertThat(List.of(single.baseline() == null, single.ratio() == null)).containsOnly(true);
        }
        assertThat(report.machine().cpus()).isPositive();
    }
}
