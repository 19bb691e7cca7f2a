package dev.eddy.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.testing.RandomInstants;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InstantText} against {@code java.time}, the reference for every text it takes or writes. */
class InstantTextTest {

    private static final long FIRST_SECOND_OF_0000 = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long LAST_SECOND_OF_9999 = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400 - 1;

    private final Random random = new Random(20261128);

    @Test
    void formatWritesWhatInstantToStringWrites() {
        for (int i = 0; i < 200_000; i++) {
            Instant instant = randomInstant();
            assertThat(InstantText.format(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void formatLeavesYearsBeyondFourDigitsToJavaTime() {
        for (Instant instant : new Instant[] {Instant.ofEpochSecond(FIRST_SECOND_OF_0000),
                Instant.ofEpochSecond(FIRST_SECOND_OF_0000 - 1, 999_999_999), Instant.ofEpochSecond(LAST_SECOND_OF_9999, 1),
                Instant.ofEpochSecond(LAST_SECOND_OF_9999 + 1), Instant.MIN, Instant.MAX, Instant.EPOCH}) {
            assertThat(InstantText.format(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void parseReadsWhatJavaTimeReadsFromEveryOffsetAndFraction() {
        for (int i = 0; i < 200_000; i++) {
            Instant instant = randomInstant();
            // quarter hours from -18:00 to +18:00
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(2 * 72 + 1) - 72) * 15 * 60);
            String text = OffsetDateTime.ofInstant(instant, offset).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (text.charAt(0) == '+' || text.charAt(0) == '-') continue; // a year beyond 0000-9999 in that offset
            assertThat(InstantText.parse(text)).as(text).isEqualTo(instant);
        }
    }

    /** Every one-character change of a valid text: taken exactly as java.time takes it, or left to it. */
    @Test
    void parseNeverAcceptsWhatJavaTimeRefusesNorReadsItDifferently() {
        String alphabet = "0123456789-+:.TZtz Ax";
        for (String valid : new String[] {"2024-02-29T23:59:59.123456789+18:00", "1999-12-31T00:00:00Z",
                "0000-01-01T00:00:00.5-01:30", "9999-12-31T23:59:59.999Z"}) {
            for (int at = 0; at < valid.length(); at++) {
                for (char c : alphabet.toCharArray()) {
                    String text = valid.substring(0, at) + c + valid.substring(at + 1);
                    Instant fast = InstantText.parse(text);
                    if (fast != null) assertThat(fast).as(text).isEqualTo(javaTime(text));
                }
                String shorter = valid.substring(0, at) + valid.substring(at + 1);
                Instant fast = InstantText.parse(shorter);
                if (fast != null) assertThat(fast).as(shorter).isEqualTo(javaTime(shorter));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00+18:01", "2024-01-01T00:00:00+19:00",
            "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567891Z", "2024-01-01 00:00:00Z",
            "+2024-01-01T00:00:00Z", "2024-01-01T00:00Z", "2024-01-01t00:00:00z", "2024-01-01T00:00:00+0200", ""})
    void parseLeavesEveryOtherShapeToJavaTime(String text) {
        assertThat(InstantText.parse(text)).isNull();
    }

    private Instant randomInstant() {
        return RandomInstants.between(random, FIRST_SECOND_OF_0000, LAST_SECOND_OF_9999);
    }

    private static Instant javaTime(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
