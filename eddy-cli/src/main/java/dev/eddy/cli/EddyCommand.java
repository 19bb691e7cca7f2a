package dev.eddy.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eddy} command. */
@Command(name = "eddy",
        mixinStandardHelpOptions = true,
        versionProvider = EddyCommand.Version.class,
        description = "Event streaming for user-behaviour events: ingest over HTTP, Kafka as the bus, live analytics in Flink, SQL views.",
        subcommands = {RunCommand.class, DemoCommand.class, TailCommand.class, ReplayCommand.class, GenerateCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class EddyCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new EddyCommand())
                .registerConverter(Duration.class, new DurationConverter())
                .setExecutionExceptionHandler(new UserErrors());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EddyCommand.class.getPackage().getImplementationVersion();
            return new String[] {"eddy " + (v == null ? "dev" : v)};
        }
    }
}
