package dev.eddy.cli;

import dev.eddy.bench.Bench;
import dev.eddy.bench.BenchPlan;
import dev.eddy.bench.BenchReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eddy bench}: Eddy's figures on this machine, each beside its baseline, as a table, a chart and JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure Eddy on this machine, in one run: ingest and stream throughput beside their baselines "
                + "(raw Kafka producer, bare Flink job), freshness under load, start-up time and memory.",
                "Eddy runs as its own process; nothing else should run meanwhile."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Small sizes: done in under 3 minutes, for a smoke test (figures are noisier)")
    boolean quick;

    @Option(names = "--out", defaultValue = "bench/results",
            description = "Directory for the results: <UTC time>.json and .png (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        BenchReport report = Bench.run(quick ? BenchPlan.quick() : BenchPlan.full(), System.err);
        System.out.println();
        System.out.print(report.table());
        Path json = report.write(out);
        System.out.println("results: " + json + "  chart: " + json.resolveSibling(report.baseName() + ".png"));
        return 0;
    }
}
