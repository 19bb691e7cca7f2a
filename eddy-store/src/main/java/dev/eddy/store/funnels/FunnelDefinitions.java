package dev.eddy.store.funnels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.eddy.model.EventJson;
import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.store.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The steps each funnel's figures in the view were counted for, kept in {@code funnel_definitions}
 * beside them: figures counted for other steps mean nothing under the new ones, and would add up
 * with the new figures in a range's sums.
 */
public final class FunnelDefinitions {

    private static final TypeReference<List<String>> STEPS = new TypeReference<>() {};

    private FunnelDefinitions() {}

    /**
     * Brings the view in line with the configured funnels, in one transaction, before the job writes
     * under them: a funnel stored with other steps loses its rows and is stored with the new steps,
     * so its figures start over; a new funnel is recorded; a funnel no longer configured keeps its
     * rows and its steps, so configuring it again as it was finds them.
     *
     * @return the names of the funnels whose figures started over, in the config's order
     */
    public static List<String> reconcile(DataSource dataSource, Funnels funnels) {
        return Transaction.run(dataSource, connection -> reconcile(connection, funnels),
                "reconciling funnel_definitions with the configured funnels failed");
    }

    private static List<String> reconcile(Connection connection, Funnels funnels) throws SQLException {
        Map<String, String> stored = stored(connection);
        List<String> startedOver = new ArrayList<>();
        for (Funnel funnel : funnels.list()) {
            List<String> steps = funnel.steps().stream().map(FunnelStep::toString).toList();
            String before = stored.get(funnel.name());
            if (before == null) {
                update(connection, "INSERT INTO funnel_definitions (funnel, steps) VALUES (?, ?)", funnel.name(), json(steps));
            } else if (!steps.equals(parsed(before))) {
                update(connection, "DELETE FROM funnel_metrics WHERE funnel = ?", funnel.name());
                update(connection, "UPDATE funnel_definitions SET steps = ? WHERE funnel = ?", json(steps), funnel.name());
                startedOver.add(funnel.name());
            }
        }
        return startedOver;
    }

    /** The stored steps by funnel, as JSON. */
    private static Map<String, String> stored(Connection connection) throws SQLException {
        Map<String, String> stored = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT funnel, steps FROM funnel_definitions");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) stored.put(rows.getString(1), rows.getString(2));
        }
        return stored;
    }

    private static void update(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) statement.setString(i + 1, parameters[i]);
            statement.executeUpdate();
        }
    }

    private static String json(List<String> steps) {
        try {
            return EventJson.MAPPER.writeValueAsString(steps);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }

    /** The stored steps, or null when they are not a JSON list of strings: another hand wrote them, so they count as other steps. */
    private static List<String> parsed(String json) {
        try {
            return EventJson.MAPPER.readValue(json, STEPS);
        } catch (JsonProcessingException unreadable) {
            return null;
        }
    }
}
