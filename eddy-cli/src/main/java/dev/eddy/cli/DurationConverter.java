package dev.eddy.cli;

import dev.eddy.model.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration option written as in the config file: 200ms, 5s, 10m, 1h, 7d or ISO-8601. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            // picocli then names the option and prints the usage
            throw new TypeConversionException(e.getMessage());
        }
    }
}
