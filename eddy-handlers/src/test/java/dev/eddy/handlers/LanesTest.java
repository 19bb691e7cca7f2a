package dev.eddy.handlers;

import static dev.eddy.handlers.TestBus.awaitQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LanesTest {

    @Test
    void aKeyHasOneLaneAndRecordsWithoutAKeyGoByPartition() {
        assertThat(Lanes.laneOf(key("u1"), 0, 8)).isEqualTo(Lanes.laneOf(key("u1"), 3, 8));
        assertThat(Lanes.laneOf(null, 3, 8)).isEqualTo(3);
        assertThat(Lanes.laneOf(null, 11, 8)).isEqualTo(3);
        assertThat(IntStream.rangeClosed(1, 64).map(u -> Lanes.laneOf(key("user-" + u), 0, 8)).distinct().count())
                .as("many keys use every lane").isEqualTo(8);
    }

    @Test
    void aLaneDoesItsWorkInOrderWhileAnotherGoesOn() throws InterruptedException {
        String a = keyOnLane(0);
        String b = keyOnLane(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (Lanes lanes = new Lanes("test", 2)) {
            lanes.submit(key(a), 0, () -> {
                awaitQuietly(release);
                done.add("a1");
            });
            lanes.submit(key(a), 0, () -> done.add("a2"));
            lanes.submit(key(b), 0, () -> {
                done.add("b1");
                bDone.countDown();
            });
            assertThat(bDone.await(10, TimeUnit.SECONDS)).as("b's lane is not held by a's").isTrue();
            assertThat(done).containsExactly("b1");
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 3);
        }
        assertThat(done).containsExactly("b1", "a1", "a2");
    }

    private static String keyOnLane(int lane) {
        return IntStream.range(0, 100).mapToObj(u -> "user-" + u)
                .filter(user -> Lanes.laneOf(key(user), 0, 2) == lane).findFirst().orElseThrow();
    }

    private static byte[] key(String user) {
        return user.getBytes(StandardCharsets.UTF_8);
    }
}
