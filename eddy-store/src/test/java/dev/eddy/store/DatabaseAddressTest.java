package dev.eddy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseAddressTest {

    @Test
    void embeddedModeUsesAnH2FileUnderTheDataDirectoryWrittenThroughOnCommit() {
        DatabaseAddress address = DatabaseAddress.embedded(Path.of("/var/eddy"));

        assertThat(address.url()).isEqualTo("jdbc:h2:file:/var/eddy/views/eddy;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(address.driverClassName()).isEqualTo("org.h2.Driver");
        assertThat(address.user()).isNull();
        assertThat(address.password()).isNull();
    }

    @Test
    void namesTheDriverOfAPostgresUrl() {
        DatabaseAddress address = new DatabaseAddress("jdbc:postgresql://db:5432/eddy", "eddy", "secret");

        assertThat(address.driverClassName()).isEqualTo("org.postgresql.Driver");
    }

    @Test
    void rejectsDatabasesTheViewsAreNotWrittenFor() {
        assertThatThrownBy(() -> DatabaseAddress.of("jdbc:mysql://db/eddy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/eddy");
    }

    @Test
    void keepsThePasswordOutOfItsText() {
        DatabaseAddress address = new DatabaseAddress("jdbc:postgresql://db:5432/eddy", "eddy", "secret");

        assertThat(address.toString()).doesNotContain("secret").contains("eddy", "****");
    }

    @Test
    void emptyCredentialsAreNone() {
        // the config's unset user and password are empty: the driver must not get a user named ""
        DatabaseAddress address = new DatabaseAddress("jdbc:postgresql://db:5432/eddy?user=eddy", "", "");

        assertThat(address.user()).isNull();
        assertThat(address.password()).isNull();
    }
}
