package dev.eddy.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ViewStoreTest {

    @Test
    void refusesPostgresBefore15WhichHasNoMerge() {
        assertThat(ViewStore.unsupported("PostgreSQL", 14, "14.10"))
                .isEqualTo("PostgreSQL 14.10 is too old: the views need PostgreSQL 15 or later (they upsert with MERGE)");
        assertThat(ViewStore.unsupported("PostgreSQL", 15, "15.8")).isNull();
        assertThat(ViewStore.unsupported("H2", 2, "2.3.232 (2024-08-11)")).isNull();
    }
}
