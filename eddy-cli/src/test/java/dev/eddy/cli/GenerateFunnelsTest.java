package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.model.funnels.Funnel;
import dev.eddy.model.funnels.FunnelStep;
import dev.eddy.workload.traffic.TrafficProfile;
import dev.eddy.workload.truth.TruthFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The funnels {@code eddy generate} writes in its truth: the shop's unless {@code --funnel} names others. */
class GenerateFunnelsTest {

    @TempDir
    Path dir;

    /** A run of no events, so nothing needs to answer at its URL: only its truth file is of interest. */
    private TruthFile truthOf(String... funnelOptions) throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        Path truth = dir.resolve("truth.json");
        List<String> args = new ArrayList<>(List.of("generate", "--url", "http://127.0.0.1:" + closed,
                "--write-key", "k", "--count", "0", "--truth", truth.toString()));
        args.addAll(List.of(funnelOptions));
        CommandLine eddy = EddyCommand.commandLine();
        eddy.setErr(new PrintWriter(new StringWriter(), true));

        assertThat(eddy.execute(args.toArray(String[]::new))).isZero();
        return TruthFile.read(truth);
    }

    @Test
    void theTruthFollowsTheShopsCheckoutFunnelByDefault() throws Exception {
        assertThat(truthOf().funnels()).containsExactly(TrafficProfile.CHECKOUT);
        assertThat(TrafficProfile.CHECKOUT.steps()).map(FunnelStep::toString).containsExactly(
                "page:Home", "page:Product", "track:Product Added", "track:Checkout Started", "track:Order Completed");
    }

    @Test
    void funnelOptionsReplaceItInTheirOrder() throws Exception {
        assertThat(truthOf("--funnel", "signup=page:Home, track:Signed Up", "--funnel", "checkout=page:Home,track:Order Completed")
                .funnels()).containsExactly(
                        new Funnel("signup", List.of(FunnelStep.page("Home"), FunnelStep.track("Signed Up"))),
                        new Funnel("checkout", List.of(FunnelStep.page("Home"), FunnelStep.track("Order Completed"))));
    }
}
