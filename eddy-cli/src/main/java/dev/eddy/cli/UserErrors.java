package dev.eddy.cli;

import dev.eddy.model.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Errors a user can fix (bad config, a port in use) print one clear line, not a stack trace. */
final class UserErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof ConfigException) {
            cmd.getErr().println("eddy: " + e.getMessage());
            return 2;
        }
        cmd.getErr().println("eddy: " + e);
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
