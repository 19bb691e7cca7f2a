package dev.eddy.handlers;

import dev.eddy.model.config.EddyConfig;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;

/** What a handler reads: its topic, and which of the topic's records it posts, under what key. */
sealed interface Subscription permits EventSubscription, AlertSubscription {

    /** From a handler's {@code subscribe}, {@code types} and {@code events}, as validated by the config. */
    static Subscription of(EddyConfig.Handler config) {
        return config.alerts() ? new AlertSubscription(Set.copyOf(config.events()))
                : new EventSubscription(EventMatcher.of(config.types(), config.events()));
    }

    String topic();

    /**
     * Whether the record may be taken, from its headers alone: never false for one that is taken,
     * so a record it says no to is passed over without decoding.
     */
    boolean mayTake(Headers headers);

    /**
     * Decodes a record's value.
     *
     * @return the {@code Idempotency-Key} of its posts when the handler takes it, empty when it passes it over
     * @throws Unreadable when the value is not what the topic holds
     */
    Optional<String> take(byte[] value) throws Unreadable;

    /** A record that is not what its topic holds; the message says so, for its dead letter. */
    final class Unreadable extends Exception {
        /** @param what e.g. "not an alert", followed by the first line of the cause's message */
        Unreadable(String what, Exception cause) {
            super(what + ": " + firstLine(cause.getMessage()), cause);
        }

        private static String firstLine(String message) {
            if (message == null) return "unreadable";
            int newline = message.indexOf('\n');
            return newline < 0 ? message : message.substring(0, newline);
        }
    }
}
