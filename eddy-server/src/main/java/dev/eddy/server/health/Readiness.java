package dev.eddy.server.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What {@code /readyz} checks: each part the runtime started registers a named check (broker and
 * topics, analytics job RUNNING, views migrated). Ready when every check passes.
 */
public final class Readiness {
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

    public synchronized Readiness add(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    /** Each check's current answer, in registration order. A check that throws is not ready. */
    public synchronized Map<String, Boolean> status() {
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
