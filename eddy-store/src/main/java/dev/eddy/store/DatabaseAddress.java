package dev.eddy.store;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the views live: a JDBC URL and optional credentials. Serializable because the Flink
 * sinks carry it to the TaskManagers.
 *
 * @param url JDBC URL, {@code jdbc:h2:…} or {@code jdbc:postgresql:…}
 * @param user user name, or null when the URL needs none
 * @param password password, or null when the URL needs none
 */
public record DatabaseAddress(String url, String user, String password) implements Serializable {

    public DatabaseAddress {
        Objects.requireNonNull(url, "url");
        // unset in the config is empty there; given to the driver, an empty user is a user named ""
        user = user == null || user.isEmpty() ? null : user;
        password = password == null || password.isEmpty() ? null : password;
        driverClassFor(url);
    }

    public static DatabaseAddress of(String url) {
        return new DatabaseAddress(url, null, null);
    }

    /**
     * The embedded mode's H2 file under {@code <dataDir>/views/}. WRITE_DELAY=0 writes each
     * commit through at once, so a kill -9 loses no acknowledged upsert. DB_CLOSE_ON_EXIT=FALSE
     * because H2's own shutdown hook would close the database while the analytics job is still
     * flushing upserts on SIGTERM; Eddy closes it itself, after the job. (H2 refuses that with
     * AUTO_SERVER, so a second process cannot open the file while Eddy runs: query the API.)
     */
    public static DatabaseAddress embedded(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve("views").resolve("eddy");
        return of("jdbc:h2:file:" + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
    }

    /**
     * The driver class named explicitly, because inside a Flink TaskManager the user-code class
     * loader is not visible to {@link java.sql.DriverManager}.
     */
    public String driverClassName() {
        return driverClassFor(url);
    }

    private static String driverClassFor(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        throw new IllegalArgumentException(
                "unsupported JDBC URL (expected jdbc:h2: or jdbc:postgresql:): " + url);
    }

    /** Hides the password, which would otherwise end up in logs and job graphs' toString. */
    @Override
    public String toString() {
        return "DatabaseAddress[url=" + url + ", user=" + user
                + ", password=" + (password == null ? "none" : "****") + "]";
    }
}
