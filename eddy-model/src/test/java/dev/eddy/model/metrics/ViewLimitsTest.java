package dev.eddy.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ViewLimitsTest {

    @Test
    void aPageThatFitsIsKeptAsItIs() {
        String longest = "/" + "a".repeat(ViewLimits.MAX_PAGE_CHARS - 1);
        assertThat(ViewLimits.fitPage("/pricing")).isEqualTo("/pricing");
        assertThat(ViewLimits.fitPage(longest)).isSameAs(longest);
    }

    @Test
    void aLongerPageIsCutToTheLimitNeverBetweenTheHalvesOfASurrogatePair() {
        String path = "/" + "a".repeat(600);
        assertThat(ViewLimits.fitPage(path)).isEqualTo(path.substring(0, 500));

        String emojiAcrossTheLimit = "/" + "a".repeat(498) + "😀" + "tail";
        assertThat(ViewLimits.fitPage(emojiAcrossTheLimit)).isEqualTo("/" + "a".repeat(498));
    }

    @Test
    void theNulCharacterIsReplacedAsPostgreSqlCannotStoreIt() {
        assertThat(ViewLimits.fitPage("/a\u0000b")).isEqualTo("/a\uFFFDb");
    }
}
