package dev.eddy.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ViewLimitsTest {

    @Test
    void aPageThatFitsIsKeptAsItIs() {
        String longest = "/" + "a".repeat(ViewLimits.MAX_PAGE_CHARS - 1);
        assertThat(ViewLimits.fitPage("/pricing")).isEqualTo("/pricing");
        assertThat(ViewLimits.fitPage(longest)).isSameAs(longest);
        assertThat(ViewLimits.pageProblem(longest)).isNull();
    }

    @Test
    void aLongerPageIsCutToTheLimitNeverBetweenTheHalvesOfASurrogatePair() {
        String path = "/" + "a".repeat(600);
        assertThat(ViewLimits.fitPage(path)).isEqualTo(path.substring(0, 500));

        String emojiAcrossTheLimit = "/" + "a".repeat(498) + "😀" + "tail";
        assertThat(ViewLimits.fitPage(emojiAcrossTheLimit)).isEqualTo("/" + "a".repeat(498));
        assertThat(ViewLimits.pageProblem(path)).isEqualTo("must be at most 500 characters (UTF-16 units), got 601");
    }

    @Test
    void theNulCharacterIsReplacedAsPostgreSqlCannotStoreIt() {
        assertThat(ViewLimits.fitPage("/a\u0000b")).isEqualTo("/a\uFFFDb");
        assertThat(ViewLimits.pageProblem("/a\u0000b")).isEqualTo("must not contain the NUL character (U+0000)");
    }
}
