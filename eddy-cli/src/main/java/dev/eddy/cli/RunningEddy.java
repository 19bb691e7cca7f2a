package dev.eddy.cli;

import dev.eddy.runtime.InstanceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The Eddy running on a data dir, for the commands that work beside it ({@code tail}, {@code replay}). */
final class RunningEddy {

    private RunningEddy() {}

    /**
     * Its Kafka, from {@code <data-dir>/eddy.json}.
     *
     * @param otherwise what the user can do when no Eddy runs there, for the error that says so
     */
    static String kafkaBootstrap(Path dataDir, CommandSpec spec, String otherwise) throws IOException {
        if (!Files.exists(InstanceFile.path(dataDir))) {
            throw new ParameterException(spec.commandLine(), "no running Eddy in " + dataDir + " (no "
                    + InstanceFile.path(dataDir).getFileName() + "): " + otherwise);
        }
        return InstanceFile.read(dataDir).kafkaBootstrap();
    }
}
