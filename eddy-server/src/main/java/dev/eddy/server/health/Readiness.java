package dev.eddy.server.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What {@code /readyz} checks: each part the runtime started registers a named check (broker and
 * topics, analytics job RUNNING, views migrated). Ready when every check passes.
 */
public final class Readiness {
    /** Replaced, never changed, on each add: probes read it without a lock, so a slow check never queues the next probe. */
    private volatile Map<String, BooleanSupplier> checks = Map.of();

    public synchronized Readiness add(String name, BooleanSupplier check) {
        Map<String, BooleanSupplier> next = new LinkedHashMap<>(checks);
        next.put(name, check);
        checks = next;
        return this;
    }

    /** Each check's current answer, in registration order. A check that throws is not ready. */
    public Map<String, Boolean> status() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            boolean ok;
            try {
                ok = check.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            out.put(name, ok);
        });
        return out;
    }
}
