package dev.eddy.model.config;

/** A configuration that cannot run: the message names the key (and where it came from) and why. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
