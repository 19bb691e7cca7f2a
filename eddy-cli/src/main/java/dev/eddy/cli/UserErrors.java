package dev.eddy.cli;

import dev.eddy.model.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Errors a user can fix print one clear line, not a stack trace: a {@link ConfigException} (a bad
 * config value, a port in use). Bad options and arguments are picocli's parameter errors, which
 * print their line and the usage.
 */
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
