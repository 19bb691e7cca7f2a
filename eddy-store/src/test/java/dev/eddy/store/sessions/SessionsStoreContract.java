package dev.eddy.store.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.sessions.SessionMetric;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrate, upsert and query the sessions view on one database engine; each engine's {@code *IT}
 * supplies a fresh, empty database per test.
 */
abstract class SessionsStoreContract {

    static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

    private ViewStore store;
    private SessionsQuery query;

    /** A database that no test has used yet. */
    abstract DatabaseAddress freshDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = ViewStore.open(freshDatabase());
        query = new SessionsQuery(ViewReads.of(store.dataSource()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private void upsert(SessionMetric... rows) {
        SessionsUpsert.upsertAll(store.dataSource(), List.of(rows));
    }

    @Test
    void anEmptyViewHasNoMinutesAndZeroTotals() {
        assertThat(query.minutes(Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z")))
                .isEqualTo(new SessionsInRange(List.of(), new SessionTotal(0, 0, 0, 0, 0)));
    }

    @Test
    void returnsTheRowsWrittenByMinuteWithTheirSums() {
        SessionMetric first = new SessionMetric(minute(0), 12, 10, 1_234_567, 48, 3);
        SessionMetric second = new SessionMetric(minute(1), 7, 0, 0, 0, 0);
        SessionMetric fourth = new SessionMetric(minute(3), 1, 1, 0, 1, 1);
        upsert(fourth, first, second);

        assertThat(query.minutes(minute(0), minute(10))).isEqualTo(new SessionsInRange(
                List.of(first, second, fourth), new SessionTotal(20, 11, 1_234_567, 49, 4)));
    }

    @Test
    void writingAMinuteAgainKeepsOneRowWithTheLastFigures() {
        upsert(new SessionMetric(minute(0), 3, 1, 5_000, 4, 0));
        upsert(new SessionMetric(minute(0), 5, 2, 9_000, 7, 1));
        // a late event joined two sessions of one visitor: the minute has one fewer
        SessionMetric last = new SessionMetric(minute(0), 4, 2, 9_500, 8, 0);
        upsert(last);

        assertThat(query.minutes(minute(0), minute(1)).minutes()).containsExactly(last);
    }

    @Test
    void aMinuteLeftWithNoSessionHasNoRow() {
        SessionMetric earlier = new SessionMetric(minute(0), 1, 1, 70_000, 3, 0);
        upsert(new SessionMetric(minute(1), 1, 0, 0, 0, 0));
        // a late event joined minute 1's only session to minute 0's: it counts there now
        upsert(earlier, new SessionMetric(minute(1), 0, 0, 0, 0, 0));

        assertThat(query.minutes(minute(0), minute(2)))
                .isEqualTo(new SessionsInRange(List.of(earlier), new SessionTotal(1, 1, 70_000, 3, 0)));
    }

    @Test
    void theLastRowOfAMinuteInOneBatchWinsAndTheSameRowsAgainChangeNothing() {
        List<SessionMetric> rows = List.of(
                new SessionMetric(minute(0), 1, 0, 0, 0, 0),
                new SessionMetric(minute(1), 2, 2, 60_000, 9, 1),
                new SessionMetric(minute(0), 2, 1, 30_000, 3, 0));
        SessionsUpsert.upsertAll(store.dataSource(), rows);
        SessionsUpsert.upsertAll(store.dataSource(), rows);

        assertThat(query.minutes(minute(0), minute(2)).minutes()).containsExactly(
                new SessionMetric(minute(0), 2, 1, 30_000, 3, 0),
                new SessionMetric(minute(1), 2, 2, 60_000, 9, 1));
    }

    @Test
    void rangeIncludesFromAndExcludesTo() {
        upsert(new SessionMetric(minute(0), 1, 1, 1, 1, 1),
                new SessionMetric(minute(1), 2, 2, 2, 2, 2),
                new SessionMetric(minute(2), 3, 3, 3, 3, 3),
                new SessionMetric(minute(3), 4, 4, 4, 4, 4));

        assertThat(query.minutes(minute(1), minute(3))).isEqualTo(new SessionsInRange(List.of(
                new SessionMetric(minute(1), 2, 2, 2, 2, 2),
                new SessionMetric(minute(2), 3, 3, 3, 3, 3)), new SessionTotal(5, 5, 5, 5, 5)));
        assertThat(query.minutes(minute(1).plusNanos(1000), minute(3)).minutes())
                .containsExactly(new SessionMetric(minute(2), 3, 3, 3, 3, 3));
        assertThat(query.minutes(minute(1), minute(1)).minutes()).isEmpty();
        assertThat(query.minutes(minute(3), minute(1)).minutes()).isEmpty();
    }

    @Test
    void ordersByMinute() {
        List<SessionMetric> expected = new ArrayList<>();
        for (int m = 0; m < 90; m++) expected.add(new SessionMetric(minute(m), m + 1, m, m * 1000L, m * 3L, m / 2));
        List<SessionMetric> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(7));
        SessionsUpsert.upsertAll(store.dataSource(), shuffled);

        assertThat(query.minutes(minute(0), minute(90)).minutes()).containsExactlyElementsOf(expected);
    }

    @Test
    void storesInstantsWhateverTheJvmTimeZone() {
        SessionMetric row = new SessionMetric(Instant.parse("2024-04-07T01:59:00Z"), 8, 5, 300, 9, 2);
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
        // connections opened now run in a +12:45/+13:45 session zone
        try (ViewStore zoned = ViewStore.open(store.address())) {
            SessionsUpsert.upsertAll(zoned.dataSource(), List.of(row));
        } finally {
            TimeZone.setDefault(original);
        }
        assertThat(query.minutes(row.start(), row.start().plusSeconds(60)).minutes()).containsExactly(row);
    }

    @Test
    void moreRowsThanOneAnswerHoldsAreRefusedNotRead() {
        List<SessionMetric> rows = new ArrayList<>();
        for (int m = 0; m <= MinuteRange.MAX_ROWS; m++) rows.add(new SessionMetric(minute(m), 1, 1, 1, 1, 0));
        SessionsUpsert.upsertAll(store.dataSource(), rows);

        assertThatThrownBy(() -> query.minutes(minute(0), minute(MinuteRange.MAX_ROWS + 1)))
                .isInstanceOf(MinuteRange.TooManyRows.class);
        assertThat(query.minutes(minute(0), minute(MinuteRange.MAX_ROWS)).minutes()).hasSize(MinuteRange.MAX_ROWS);
    }
}
