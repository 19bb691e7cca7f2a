package dev.eddy.store.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.metrics.MinuteMetric;
import dev.eddy.model.metrics.ViewLimits;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrate, upsert and query the per-minute views (events and pages) on one database engine; each engine's
 * {@code *IT} supplies a fresh, empty database per test.
 */
abstract class MetricsStoreContract {

    static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

    private ViewStore store;
    private MetricsQuery query;
    private MetricsQuery pages;

    /** A database that no test has used yet. */
    abstract DatabaseAddress freshDatabase() throws Exception;

    /** Makes every read of {@code table} take longer than a second, until closed. */
    abstract AutoCloseable slowingReads(DatabaseAddress address, String table) throws SQLException;

    @BeforeEach
    void openStore() throws Exception {
        store = ViewStore.open(freshDatabase());
        query = new MetricsQuery(ViewReads.of(store.dataSource()), MinuteView.EVENTS);
        pages = new MetricsQuery(ViewReads.of(store.dataSource()), MinuteView.PAGES);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    @Test
    void migrationCreatesAnEmptyViewAndIsIdempotent() throws SQLException {
        assertThat(query.perMinute(Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"), Optional.empty()))
                .isEmpty();
        try (ViewStore reopened = ViewStore.open(store.address())) {
            assertThat(appliedMigrations(reopened)).containsExactly("1", "2", "3", "4", "5");
        }
    }

    /** A read the database cannot answer within the reads' timeout fails, naming the view and the time. */
    @Test
    void aReadOutOfTimeSaysSoAndTheNextAnswers() throws Exception {
        List<MinuteMetric> rows = List.of(new MinuteMetric(minute(0), "/docs", 2, 1, true),
                new MinuteMetric(minute(0), "/home", 3, 2, true));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.PAGES, rows);
        MetricsQuery impatient = new MetricsQuery(new ViewReads(store.dataSource(), Duration.ofSeconds(1)), MinuteView.PAGES);

        try (AutoCloseable slow = slowingReads(store.address(), MinuteView.PAGES.table())) {
            assertThatThrownBy(() -> impatient.perMinute(minute(0), minute(1), Optional.empty()))
                    .isInstanceOf(ViewReads.QueryTimedOut.class)
                    .hasMessage("reading page_metrics took longer than 1 s");
            assertThatThrownBy(() -> impatient.top(minute(0), minute(1), 10))
                    .isInstanceOf(ViewReads.QueryTimedOut.class)
                    .hasMessage("reading page_metrics took longer than 1 s");
        }
        assertThat(impatient.perMinute(minute(0), minute(1), Optional.empty())).isEqualTo(rows);
        assertThat(impatient.top(minute(0), minute(1), 10)).containsExactly(new Total("/home", 3), new Total("/docs", 2));
    }

    @Test
    void returnsExactlyTheRowsWritten() {
        List<MinuteMetric> rows = List.of(
                new MinuteMetric(minute(0), "page", 42, 17, true),
                new MinuteMetric(minute(0), "Signup", 3, 3, true),
                new MinuteMetric(minute(1), "page", 5, 2, false));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, rows);

        assertThat(query.perMinute(minute(0), minute(2), Optional.empty()))
                .containsExactly(
                        new MinuteMetric(minute(0), "Signup", 3, 3, true),
                        new MinuteMetric(minute(0), "page", 42, 17, true),
                        new MinuteMetric(minute(1), "page", 5, 2, false));
    }

    @Test
    void upsertOverwritesTheFiguresOfAnExistingRow() {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(minute(0), "page", 1, 1, false)));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(minute(0), "page", 9, 4, true)));

        assertThat(query.perMinute(minute(0), minute(1), Optional.empty()))
                .containsExactly(new MinuteMetric(minute(0), "page", 9, 4, true));
    }

    @Test
    void aLiveFigureNeverTurnsAFinalRowBackButALaterFinalOneUpdatesIt() {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(minute(0), "page", 9, 4, true)));
        // a restored job replaying from before the minute went final
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(minute(0), "page", 5, 3, false)));
        assertThat(query.perMinute(minute(0), minute(1), Optional.empty()))
                .containsExactly(new MinuteMetric(minute(0), "page", 9, 4, true));

        // a late event within the allowed lateness
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(minute(0), "page", 10, 5, true)));
        assertThat(query.perMinute(minute(0), minute(1), Optional.empty()))
                .containsExactly(new MinuteMetric(minute(0), "page", 10, 5, true));
    }

    @Test
    void theLastFigureOfAKeyInOneBatchWins() {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(
                new MinuteMetric(minute(0), "page", 1, 1, false),
                new MinuteMetric(minute(0), "click", 7, 7, false),
                new MinuteMetric(minute(0), "page", 2, 1, false),
                new MinuteMetric(minute(0), "page", 3, 2, true)));

        assertThat(query.perMinute(minute(0), minute(1), Optional.empty()))
                .containsExactly(
                        new MinuteMetric(minute(0), "click", 7, 7, false),
                        new MinuteMetric(minute(0), "page", 3, 2, true));
    }

    @Test
    void writingTheSameFiguresAgainChangesNothing() {
        List<MinuteMetric> rows = List.of(
                new MinuteMetric(minute(0), "page", 4, 2, true),
                new MinuteMetric(minute(1), "page", 6, 3, false));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, rows);
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, rows);

        assertThat(query.perMinute(minute(0), minute(2), Optional.empty())).containsExactlyElementsOf(rows);
    }

    @Test
    void rangeIncludesFromAndExcludesTo() {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(
                new MinuteMetric(minute(0), "page", 1, 1, true),
                new MinuteMetric(minute(1), "page", 2, 2, true),
                new MinuteMetric(minute(2), "page", 3, 3, true),
                new MinuteMetric(minute(3), "page", 4, 4, false)));

        assertThat(query.perMinute(minute(1), minute(3), Optional.empty()))
                .containsExactly(
                        new MinuteMetric(minute(1), "page", 2, 2, true),
                        new MinuteMetric(minute(2), "page", 3, 3, true));
        assertThat(query.perMinute(minute(1).plusNanos(1000), minute(3), Optional.empty()))
                .containsExactly(new MinuteMetric(minute(2), "page", 3, 3, true));
        assertThat(query.perMinute(minute(1), minute(1), Optional.empty())).isEmpty();
        assertThat(query.perMinute(minute(3), minute(1), Optional.empty())).isEmpty();
    }

    @Test
    void filtersByEvent() {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, List.of(
                new MinuteMetric(minute(0), "page", 1, 1, true),
                new MinuteMetric(minute(0), "click", 5, 2, true),
                new MinuteMetric(minute(1), "click", 6, 3, false),
                new MinuteMetric(minute(1), "clicks", 9, 9, false)));

        assertThat(query.perMinute(minute(0), minute(2), Optional.of("click")))
                .containsExactly(
                        new MinuteMetric(minute(0), "click", 5, 2, true),
                        new MinuteMetric(minute(1), "click", 6, 3, false));
        assertThat(query.perMinute(minute(0), minute(2), Optional.of("screen"))).isEmpty();
    }

    @Test
    void ordersByMinuteThenEventNameCodePoints() {
        List<String> events = List.of("Signup", "a_b", "ab", "page", "screen", "Ünïcode");
        List<MinuteMetric> expected = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            for (String event : events.stream().sorted().toList()) {
                expected.add(new MinuteMetric(minute(m), event, m * 10L + event.length(), m + 1L, m < 3));
            }
        }
        List<MinuteMetric> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(7));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS, shuffled);

        assertThat(query.perMinute(minute(0), minute(5), Optional.empty())).containsExactlyElementsOf(expected);
    }

    @Test
    void storesInstantsWhateverTheJvmTimeZone() {
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
        // connections opened now run in a +12:45/+13:45 session zone
        try (ViewStore zoned = ViewStore.open(store.address())) {
            MinuteMetric row = new MinuteMetric(Instant.parse("2024-04-07T01:59:00Z"), "page", 8, 5, true);
            MetricsUpsert.upsertAll(zoned.dataSource(), MinuteView.EVENTS, List.of(row));

            assertThat(new MetricsQuery(ViewReads.of(zoned.dataSource()), MinuteView.EVENTS).perMinute(
                            row.start(), row.start().plusSeconds(60), Optional.empty()))
                    .containsExactly(row);
        } finally {
            TimeZone.setDefault(original);
        }
        assertThat(query.perMinute(Instant.parse("2024-04-07T01:59:00Z"),
                        Instant.parse("2024-04-07T02:00:00Z"), Optional.of("page")))
                .containsExactly(new MinuteMetric(Instant.parse("2024-04-07T01:59:00Z"), "page", 8, 5, true));
    }

    @Test
    void opensADatabaseThatAlreadyHoldsOtherTables() throws Exception {
        DatabaseAddress shared = freshDatabase();
        try (Connection connection = DriverManager.getConnection(shared.url(), shared.user(), shared.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY)");
        }

        try (ViewStore views = ViewStore.open(shared)) {
            MetricsUpsert.upsertAll(views.dataSource(), MinuteView.EVENTS, List.of(new MinuteMetric(T0, "page", 1, 1, false)));
            assertThat(new MetricsQuery(ViewReads.of(views.dataSource()), MinuteView.EVENTS).perMinute(T0, minute(1), Optional.empty()))
                    .containsExactly(new MinuteMetric(T0, "page", 1, 1, false));
            assertThat(appliedMigrations(views)).containsExactly("0", "1", "2", "3", "4", "5");
        }
    }

    private void upsertPages(MinuteMetric... rows) {
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.PAGES, List.of(rows));
    }

    @Test
    void pageRowsLiveInTheirOwnViewAndAreReadPerMinute() {
        upsertPages(
                new MinuteMetric(minute(1), "/product/p-007", 4, 3, false),
                new MinuteMetric(minute(0), "/home", 12, 9, true),
                new MinuteMetric(minute(0), "/product/p-007", 2, 2, true),
                new MinuteMetric(minute(2), "/home", 1, 1, false));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.EVENTS,
                List.of(new MinuteMetric(minute(0), "page", 14, 11, true)));

        assertThat(pages.perMinute(minute(0), minute(2), Optional.empty())).containsExactly(
                new MinuteMetric(minute(0), "/home", 12, 9, true),
                new MinuteMetric(minute(0), "/product/p-007", 2, 2, true),
                new MinuteMetric(minute(1), "/product/p-007", 4, 3, false));
        assertThat(pages.perMinute(minute(0), minute(3), Optional.of("/home"))).containsExactly(
                new MinuteMetric(minute(0), "/home", 12, 9, true),
                new MinuteMetric(minute(2), "/home", 1, 1, false));
        assertThat(query.perMinute(minute(0), minute(3), Optional.empty()))
                .containsExactly(new MinuteMetric(minute(0), "page", 14, 11, true));
    }

    @Test
    void pageUpsertIsIdempotentAndALiveFigureNeverTurnsAFinalPageRowBack() {
        MinuteMetric live = new MinuteMetric(minute(0), "/home", 3, 2, false);
        MinuteMetric finalFigure = new MinuteMetric(minute(0), "/home", 7, 4, true);
        upsertPages(live, live);
        assertThat(pages.perMinute(minute(0), minute(1), Optional.empty())).containsExactly(live);

        upsertPages(finalFigure);
        upsertPages(finalFigure, live); // a restored job replaying from before the minute went final
        assertThat(pages.perMinute(minute(0), minute(1), Optional.empty())).containsExactly(finalFigure);

        MinuteMetric late = new MinuteMetric(minute(0), "/home", 8, 5, true);
        upsertPages(late);
        assertThat(pages.perMinute(minute(0), minute(1), Optional.empty())).containsExactly(late);
    }

    @Test
    void aPageAsLongAsTheViewHoldsIsKeptWhole() {
        String ascii = "/" + "a".repeat(ViewLimits.MAX_PAGE_CHARS - 1);
        // 500 UTF-16 units, 250 characters to PostgreSQL
        String emoji = "\uD83D\uDE00".repeat(ViewLimits.MAX_PAGE_CHARS / 2);
        upsertPages(new MinuteMetric(minute(0), ascii, 1, 1, true), new MinuteMetric(minute(0), emoji, 2, 2, true));

        assertThat(pages.perMinute(minute(0), minute(1), Optional.of(ascii)))
                .containsExactly(new MinuteMetric(minute(0), ascii, 1, 1, true));
        assertThat(pages.perMinute(minute(0), minute(1), Optional.of(emoji)))
                .containsExactly(new MinuteMetric(minute(0), emoji, 2, 2, true));
    }

    @Test
    void topPagesSumTheViewsOfTheRangesMinutes() {
        upsertPages(
                new MinuteMetric(minute(0), "/home", 5, 5, true),
                new MinuteMetric(minute(1), "/home", 6, 2, true),
                new MinuteMetric(minute(2), "/home", 1, 1, false),
                new MinuteMetric(minute(0), "/pricing", 9, 9, true),
                new MinuteMetric(minute(1), "/docs", 2, 1, true),
                new MinuteMetric(minute(1), "/docs", 3, 2, true));

        assertThat(pages.top(minute(0), minute(3), 10)).containsExactly(
                new Total("/home", 12), new Total("/pricing", 9), new Total("/docs", 3));
        assertThat(pages.top(minute(0), minute(3), 2)).containsExactly(
                new Total("/home", 12), new Total("/pricing", 9));
        assertThat(pages.top(minute(0), minute(3), 1)).containsExactly(new Total("/home", 12));
    }

    @Test
    void topPagesCountTheMinutesThatStartInTheRangeOnly() {
        upsertPages(
                new MinuteMetric(minute(0), "/home", 100, 1, true),
                new MinuteMetric(minute(1), "/home", 2, 1, true),
                new MinuteMetric(minute(1), "/docs", 3, 1, true),
                new MinuteMetric(minute(2), "/home", 4, 1, true),
                new MinuteMetric(minute(3), "/docs", 100, 1, false));

        assertThat(pages.top(minute(1), minute(3), 10)).containsExactly(new Total("/home", 6), new Total("/docs", 3));
        assertThat(pages.top(minute(1).plusNanos(1000), minute(3), 10)).containsExactly(new Total("/home", 4));
        assertThat(pages.top(minute(1), minute(1), 10)).isEmpty();
        assertThat(pages.top(minute(3), minute(1), 10)).isEmpty();
        assertThat(pages.top(minute(4), minute(60), 10)).isEmpty();
    }

    @Test
    void topPagesBreakTiesInJavasOrderOfPages() {
        // by UTF-16 unit: upper case before lower, a surrogate pair (U+1F600) before U+FF5E,
        // where a collation, or PostgreSQL's code point order, differ
        List<String> tied = List.of("/\uFF5E", "/b", "/\uD83D\uDE00", "/a", "/B");
        List<MinuteMetric> rows = new ArrayList<>();
        rows.add(new MinuteMetric(minute(0), "/top", 9, 9, true));
        tied.forEach(page -> rows.add(new MinuteMetric(minute(0), page, 5, 5, true)));
        rows.add(new MinuteMetric(minute(0), "/low", 4, 4, true));
        Collections.shuffle(rows, new Random(3));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.PAGES, rows);

        assertThat(pages.top(minute(0), minute(1), 3))
                .containsExactly(new Total("/top", 9), new Total("/B", 5), new Total("/a", 5));
        assertThat(pages.top(minute(0), minute(1), 7)).containsExactly(
                new Total("/top", 9), new Total("/B", 5), new Total("/a", 5), new Total("/b", 5),
                new Total("/\uD83D\uDE00", 5), new Total("/\uFF5E", 5), new Total("/low", 4));
    }

    @Test
    void topPagesKeepTheFirstOfManyTiedPages() {
        List<MinuteMetric> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            rows.add(new MinuteMetric(minute(i % 7), "/seen-once/" + i, 1, 1, true));
        }
        rows.add(new MinuteMetric(minute(3), "/home", 2, 2, true));
        Collections.shuffle(rows, new Random(5));
        MetricsUpsert.upsertAll(store.dataSource(), MinuteView.PAGES, rows);

        // in Java's order "/seen-once/0" < "/seen-once/1" < "/seen-once/10" < "/seen-once/100"
        assertThat(pages.top(minute(0), minute(7), 4)).containsExactly(new Total("/home", 2),
                new Total("/seen-once/0", 1), new Total("/seen-once/1", 1), new Total("/seen-once/10", 1));
    }

    @Test
    void topRanksOneToTheMostNames() {
        assertThat(pages.top(minute(0), minute(1), MetricsQuery.MAX_TOP)).isEmpty();
        assertThatThrownBy(() -> pages.top(minute(0), minute(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("n must be 1 to 1000, got 0");
        assertThatThrownBy(() -> pages.top(minute(0), minute(1), 1001))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("n must be 1 to 1000, got 1001");
    }

    private static List<String> appliedMigrations(ViewStore store) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = store.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
