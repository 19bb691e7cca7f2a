package dev.eddy.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.alerts.Alert;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrate, upsert and query the alerts view on one database engine; each engine's {@code *IT}
 * supplies a fresh, empty database per test.
 */
abstract class AlertsStoreContract {

    static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

    private ViewStore store;
    private AlertsQuery query;

    /** A database that no test has used yet. */
    abstract DatabaseAddress freshDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = ViewStore.open(freshDatabase());
        query = new AlertsQuery(ViewReads.of(store.dataSource()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private static Alert alert(String series, int minute, Alert.State state, Alert.Kind kind, long count) {
        return new Alert(series, minute(minute), state, kind, count, 20.5, 2.11, 38.89, series + " at " + minute);
    }

    private void upsert(Alert... alerts) throws SQLException {
        try (Connection connection = store.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(AlertsUpsert.SQL)) {
            for (Alert alert : alerts) {
                AlertsUpsert.bind(statement, alert);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    @Test
    void returnsTheAlertsOfTheRangeByMinuteSeriesAndTheOrderTheyWereRaised() throws SQLException {
        Alert dropFires = alert("Order Completed", 3, Alert.State.FIRING, Alert.Kind.DROP, 0);
        Alert spikeFires = alert("Clicked", 5, Alert.State.FIRING, Alert.Kind.SPIKE, 900);
        Alert dropResolves = alert("Order Completed", 5, Alert.State.RESOLVED, Alert.Kind.DROP, 20);
        Alert spikeResolves = alert("Clicked", 6, Alert.State.RESOLVED, Alert.Kind.SPIKE, 80);
        Alert dropOfClicks = alert("Clicked", 6, Alert.State.FIRING, Alert.Kind.DROP, 0);
        Alert unicode = alert("Ünïcode", 6, Alert.State.FIRING, Alert.Kind.SPIKE, 50);
        upsert(unicode, dropOfClicks, spikeResolves, dropResolves, spikeFires, dropFires);

        assertThat(query.alerts(minute(0), minute(10), Optional.empty()))
                .containsExactly(dropFires, spikeFires, dropResolves, spikeResolves, dropOfClicks, unicode);
        assertThat(query.alerts(minute(5), minute(6), Optional.empty())).containsExactly(spikeFires, dropResolves);
        assertThat(query.alerts(minute(0), minute(10), Optional.of("Order Completed"))).containsExactly(dropFires, dropResolves);
        assertThat(query.alerts(minute(0), minute(10), Optional.of("page"))).isEmpty();
    }

    @Test
    void writingAnAlertAgainKeepsOneRowWithTheLastFigures() throws SQLException {
        Alert first = alert("Order Completed", 3, Alert.State.FIRING, Alert.Kind.DROP, 1);
        Alert again = new Alert(first.series(), first.minute(), first.state(), first.kind(), 2, 21.0, 3.0, 39.0, "again");
        upsert(first, first, again);

        assertThat(query.alerts(minute(0), minute(10), Optional.empty())).containsExactly(again);
    }

    @Test
    void tooManyAlertsAreRefusedNotRead() throws SQLException {
        List<Alert> many = new ArrayList<>();
        for (int i = 0; i <= AlertsQuery.MAX_ROWS; i++) many.add(alert("s" + i, 0, Alert.State.FIRING, Alert.Kind.SPIKE, i));
        upsert(many.toArray(Alert[]::new));

        assertThatThrownBy(() -> query.alerts(minute(0), minute(1), Optional.empty()))
                .isInstanceOf(AlertsQuery.TooManyAlerts.class);
        assertThat(query.alerts(minute(0), minute(1), Optional.of("s7"))).hasSize(1);
    }
}
