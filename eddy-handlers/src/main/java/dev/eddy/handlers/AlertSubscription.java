package dev.eddy.handlers;

import dev.eddy.model.Topics;
import dev.eddy.model.alerts.Alert;
import dev.eddy.model.alerts.AlertJson;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;

/**
 * A handler of alerts: those on {@code eddy.alerts} of its series (every alert when it names
 * none), each posted under its {@link Alert#id()}.
 *
 * @param series from the handler's {@code events}: track event names, {@code page}, {@code screen}
 */
record AlertSubscription(Set<String> series) implements Subscription {

    AlertSubscription {
        series = Set.copyOf(series);
    }

    @Override
    public String topic() {
        return Topics.ALERTS;
    }

    /** Always: alerts are few, and every one is decoded, so one that is not an alert is always kept. */
    @Override
    public boolean mayTake(Headers headers) {
        return true;
    }

    @Override
    public Optional<String> take(byte[] value) throws Unreadable {
        Alert alert;
        try {
            alert = AlertJson.decode(value);
        } catch (IOException | RuntimeException notAnAlert) {
            throw new Unreadable("not an alert", notAnAlert);
        }
        return series.isEmpty() || series.contains(alert.series()) ? Optional.of(alert.id()) : Optional.empty();
    }
}
