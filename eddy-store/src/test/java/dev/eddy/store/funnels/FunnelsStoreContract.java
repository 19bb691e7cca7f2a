package dev.eddy.store.funnels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelMetric;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.model.funnels.Funnels;
import dev.eddy.store.DatabaseAddress;
import dev.eddy.store.MinuteRange;
import dev.eddy.store.ViewReads;
import dev.eddy.store.ViewStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrate, upsert, query and reconcile the funnels view on one database engine; each engine's
 * {@code *IT} supplies a fresh, empty database per test.
 */
abstract class FunnelsStoreContract {

    static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");

    private static final List<FunnelStep> CHECKOUT = List.of(FunnelStep.page("Home"), FunnelStep.page("Product"),
            FunnelStep.track("Order Completed"));
    private static final List<FunnelStep> SIGNUP = List.of(FunnelStep.page("Pricing"), FunnelStep.track("Signed Up"));

    private ViewStore store;
    private FunnelsQuery query;

    /** A database that no test has used yet. */
    abstract DatabaseAddress freshDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = ViewStore.open(freshDatabase());
        query = new FunnelsQuery(ViewReads.of(store.dataSource()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private static FunnelMetric row(String funnel, int minute, long... reached) {
        return new FunnelMetric(funnel, minute(minute), LongStream.of(reached).boxed().toList());
    }

    private void upsert(FunnelMetric... rows) {
        FunnelsUpsert.upsertAll(store.dataSource(), List.of(rows));
    }

    @Test
    void anEmptyViewHasNoMinutes() {
        assertThat(query.minutes("checkout", 3, Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void returnsTheRowsOfTheFunnelByMinuteEachStepInOrder() {
        FunnelMetric first = row("checkout", 0, 12, 8, 5);
        FunnelMetric second = row("checkout", 1, 7, 0, 0);
        FunnelMetric fourth = row("checkout", 3, 1, 1, 1);
        upsert(fourth, row("signup", 0, 40, 2), first, second);

        assertThat(query.minutes("checkout", 3, minute(0), minute(10))).containsExactly(first, second, fourth);
        assertThat(query.minutes("signup", 2, minute(0), minute(10))).containsExactly(row("signup", 0, 40, 2));
        assertThat(query.minutes("other", 2, minute(0), minute(10))).isEmpty();
    }

    @Test
    void writesEachStepAsARowOfItsOwn() throws SQLException {
        upsert(row("checkout", 0, 12, 8, 5));

        assertThat(select("SELECT step, sessions FROM funnel_metrics ORDER BY step"))
                .containsExactly("0=12", "1=8", "2=5");
    }

    @Test
    void writingAMinuteAgainKeepsOneRowPerStepWithTheLastFigures() throws SQLException {
        upsert(row("checkout", 0, 3, 1, 0));
        upsert(row("checkout", 0, 5, 2, 1));
        // a late event joined two sessions of one visitor: the minute has one fewer
        FunnelMetric last = row("checkout", 0, 4, 2, 1);
        upsert(last);

        assertThat(query.minutes("checkout", 3, minute(0), minute(1))).containsExactly(last);
        assertThat(select("SELECT COUNT(*) FROM funnel_metrics")).containsExactly("3");
    }

    @Test
    void aStepWithNoRowReadsAsZero() {
        upsert(row("checkout", 0, 4, 3));

        assertThat(query.minutes("checkout", 3, minute(0), minute(1))).containsExactly(row("checkout", 0, 4, 3, 0));
    }

    @Test
    void aMinuteLeftWithNoSessionHasNoRow() {
        FunnelMetric earlier = row("checkout", 0, 2, 1, 1);
        upsert(row("checkout", 1, 1, 1, 0));
        // a late event joined minute 1's only session to minute 0's: it counts there now
        upsert(earlier, row("checkout", 1, 0, 0, 0));

        assertThat(query.minutes("checkout", 3, minute(0), minute(2))).containsExactly(earlier);
    }

    @Test
    void theLastRowOfAMinuteInOneBatchWinsAndTheSameRowsAgainChangeNothing() {
        List<FunnelMetric> rows = List.of(row("checkout", 0, 1, 0, 0), row("checkout", 1, 2, 2, 1),
                row("checkout", 0, 2, 1, 0));
        FunnelsUpsert.upsertAll(store.dataSource(), rows);
        FunnelsUpsert.upsertAll(store.dataSource(), rows);

        assertThat(query.minutes("checkout", 3, minute(0), minute(2)))
                .containsExactly(row("checkout", 0, 2, 1, 0), row("checkout", 1, 2, 2, 1));
    }

    @Test
    void rangeIncludesFromAndExcludesTo() {
        upsert(row("checkout", 0, 1, 1, 1), row("checkout", 1, 2, 2, 2), row("checkout", 2, 3, 3, 3),
                row("checkout", 3, 4, 4, 4));

        assertThat(query.minutes("checkout", 3, minute(1), minute(3)))
                .containsExactly(row("checkout", 1, 2, 2, 2), row("checkout", 2, 3, 3, 3));
        assertThat(query.minutes("checkout", 3, minute(1).plusNanos(1000), minute(3)))
                .containsExactly(row("checkout", 2, 3, 3, 3));
        assertThat(query.minutes("checkout", 3, minute(1), minute(1))).isEmpty();
        assertThat(query.minutes("checkout", 3, minute(3), minute(1))).isEmpty();
    }

    @Test
    void ordersByMinuteAndHoldsSixteenSteps() {
        List<FunnelMetric> expected = new ArrayList<>();
        for (int m = 0; m < 90; m++) {
            long entered = 100 + m;
            expected.add(row("long", m, LongStream.range(0, Funnel.MAX_STEPS).map(step -> entered - step).toArray()));
        }
        List<FunnelMetric> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(7));
        FunnelsUpsert.upsertAll(store.dataSource(), shuffled);

        assertThat(query.minutes("long", Funnel.MAX_STEPS, minute(0), minute(90))).containsExactlyElementsOf(expected);
    }

    @Test
    void storesInstantsWhateverTheJvmTimeZone() {
        FunnelMetric row = new FunnelMetric("checkout", Instant.parse("2024-04-07T01:59:00Z"), List.of(8L, 5L, 2L));
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
        // connections opened now run in a +12:45/+13:45 session zone
        try (ViewStore zoned = ViewStore.open(store.address())) {
            FunnelsUpsert.upsertAll(zoned.dataSource(), List.of(row));
        } finally {
            TimeZone.setDefault(original);
        }
        assertThat(query.minutes("checkout", 3, row.start(), row.start().plusSeconds(60))).containsExactly(row);
    }

    @Test
    void moreMinutesThanOneAnswerHoldsAreRefusedNotRead() {
        List<FunnelMetric> rows = new ArrayList<>();
        for (int m = 0; m <= MinuteRange.MAX_ROWS; m++) rows.add(row("checkout", m, 1, 1, 0));
        FunnelsUpsert.upsertAll(store.dataSource(), rows);

        assertThatThrownBy(() -> query.minutes("checkout", 3, minute(0), minute(MinuteRange.MAX_ROWS + 1)))
                .isInstanceOf(MinuteRange.TooManyRows.class);
        // the cap counts minutes, not a minute's rows of steps
        assertThat(query.minutes("checkout", 3, minute(0), minute(MinuteRange.MAX_ROWS))).hasSize(MinuteRange.MAX_ROWS);
    }

    @Test
    void reconcilingRecordsNewFunnelsAndStartsNoneOver() throws SQLException {
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("checkout", CHECKOUT)))).isEmpty();

        assertThat(select("SELECT funnel, steps FROM funnel_definitions"))
                .containsExactly("checkout=[\"page:Home\",\"page:Product\",\"track:Order Completed\"]");
    }

    @Test
    void reconcilingTheSameStepsKeepsTheFiguresAndChangedStepsStartThemOver() throws SQLException {
        Funnels before = funnels(orderedMap("checkout", CHECKOUT, "signup", SIGNUP));
        FunnelDefinitions.reconcile(store.dataSource(), before);
        upsert(row("checkout", 0, 5, 3, 1), row("signup", 0, 9, 4));

        assertThat(FunnelDefinitions.reconcile(store.dataSource(), before)).isEmpty();
        assertThat(query.minutes("checkout", 3, minute(0), minute(1))).containsExactly(row("checkout", 0, 5, 3, 1));

        List<FunnelStep> shorter = List.of(FunnelStep.page("Home"), FunnelStep.track("Order Completed"));
        Funnels after = funnels(orderedMap("checkout", shorter, "signup", SIGNUP));
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), after)).containsExactly("checkout");

        assertThat(query.minutes("checkout", 2, minute(0), minute(1))).isEmpty();
        assertThat(select("SELECT COUNT(*) FROM funnel_metrics WHERE funnel = 'checkout'")).containsExactly("0");
        assertThat(query.minutes("signup", 2, minute(0), minute(1))).containsExactly(row("signup", 0, 9, 4));
        assertThat(select("SELECT funnel, steps FROM funnel_definitions ORDER BY funnel")).containsExactly(
                "checkout=[\"page:Home\",\"track:Order Completed\"]", "signup=[\"page:Pricing\",\"track:Signed Up\"]");
        // and they stay so
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), after)).isEmpty();
    }

    @Test
    void stepsInAnotherOrderAreOtherSteps() {
        FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("checkout", CHECKOUT)));
        upsert(row("checkout", 0, 5, 3, 1));

        List<FunnelStep> reordered = List.of(CHECKOUT.get(1), CHECKOUT.get(0), CHECKOUT.get(2));
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("checkout", reordered))))
                .containsExactly("checkout");
        assertThat(query.minutes("checkout", 3, minute(0), minute(1))).isEmpty();
    }

    @Test
    void aFunnelNoLongerConfiguredKeepsItsRowsAndSteps() throws SQLException {
        FunnelDefinitions.reconcile(store.dataSource(), funnels(orderedMap("checkout", CHECKOUT, "signup", SIGNUP)));
        upsert(row("signup", 0, 9, 4));

        assertThat(FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("checkout", CHECKOUT)))).isEmpty();
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), Funnels.NONE)).isEmpty();

        assertThat(query.minutes("signup", 2, minute(0), minute(1))).containsExactly(row("signup", 0, 9, 4));
        assertThat(select("SELECT funnel FROM funnel_definitions ORDER BY funnel")).containsExactly("checkout", "signup");
        // configured again as it was: its figures are still its own
        assertThat(FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("signup", SIGNUP)))).isEmpty();
        assertThat(query.minutes("signup", 2, minute(0), minute(1))).containsExactly(row("signup", 0, 9, 4));
    }

    @Test
    void aReconcileThatFailsChangesNothing() throws SQLException {
        FunnelDefinitions.reconcile(store.dataSource(), funnels(Map.of("checkout", CHECKOUT)));
        upsert(row("checkout", 0, 5, 3, 1));
        // a funnel name longer than the column: refused by the database after checkout's rows went
        Funnels failing = funnels(orderedMap("checkout", SIGNUP, "x".repeat(64), SIGNUP));

        assertThatThrownBy(() -> FunnelDefinitions.reconcile(store.dataSource(), failing))
                .hasMessageContaining("funnel_definitions");
        assertThat(query.minutes("checkout", 3, minute(0), minute(1))).containsExactly(row("checkout", 0, 5, 3, 1));
        assertThat(select("SELECT steps FROM funnel_definitions"))
                .containsExactly("[\"page:Home\",\"page:Product\",\"track:Order Completed\"]");
    }

    private static Funnels funnels(Map<String, List<FunnelStep>> configured) {
        return Funnels.of(configured);
    }

    private static Map<String, List<FunnelStep>> orderedMap(String first, List<FunnelStep> firstSteps,
                                                           String second, List<FunnelStep> secondSteps) {
        Map<String, List<FunnelStep>> map = new LinkedHashMap<>();
        map.put(first, firstSteps);
        map.put(second, secondSteps);
        return map;
    }

    /** The rows of a query, each as its columns joined by "=". */
    private List<String> select(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = store.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 1; c <= columns; c++) values.add(result.getString(c));
                rows.add(String.join("=", values));
            }
        }
        return rows;
    }
}
