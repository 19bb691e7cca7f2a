package dev.eddy.model.funnels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.model.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunnelsTest {

    private static final Funnel CHECKOUT = new Funnel("checkout",
            List.of(FunnelStep.page("Home"), FunnelStep.page("Product"), FunnelStep.track("Order Completed")));
    private static final Funnel SIGNUP = new Funnel("signup", List.of(FunnelStep.page("Pricing"), FunnelStep.track("Signed Up")));

    /**
     * The analytics job keeps its funnel state under this id and freezes state kept under another
     * one: a new version that hashed the same funnels otherwise would freeze every session under
     * way at its upgrade. Pinned, so that a change to the hash is a choice.
     */
    @Test
    void theIdOfAFunnelsLayoutStaysTheSameFromVersionToVersion() {
        assertThat(Funnels.NONE.id()).isZero();
        assertThat(new Funnels(List.of(CHECKOUT, SIGNUP)).id()).isEqualTo(ID_OF_CHECKOUT_AND_SIGNUP);
        assertThat(new Funnels(List.of(SIGNUP, CHECKOUT)).id()).as("the order is the layout").isNotEqualTo(ID_OF_CHECKOUT_AND_SIGNUP);
    }

    private static final long ID_OF_CHECKOUT_AND_SIGNUP = 8_617_085_955_794_266_190L;

    @Test
    void aNameCannotEndEarlyToMakeTwoLayoutsOne() {
        Funnel one = new Funnel("f", List.of(FunnelStep.page("A, page:B"), FunnelStep.track("C")));
        Funnel two = new Funnel("f", List.of(FunnelStep.page("A"), FunnelStep.page("B"), FunnelStep.track("C")));
        assertThat(new Funnels(List.of(one)).id()).isNotEqualTo(new Funnels(List.of(two)).id());
        assertThat(new Funnels(List.of(one)).definition(0)).isNotEqualTo(new Funnels(List.of(two)).definition(0));
    }

    @Test
    void eachStepOfEachFunnelIsABitInTheirOrder() {
        Funnels funnels = new Funnels(List.of(CHECKOUT, SIGNUP));
        assertThat(funnels.stepsOf(EventType.PAGE, null, "Home")).isEqualTo(0b1);
        assertThat(funnels.stepsOf(EventType.SCREEN, null, "Product")).as("screens are pages").isEqualTo(0b10);
        assertThat(funnels.stepsOf(EventType.TRACK, "Order Completed", null)).isEqualTo(0b100);
        assertThat(funnels.stepsOf(EventType.TRACK, "Signed Up", null)).isEqualTo(0b10000);
        assertThat(funnels.stepsOf(EventType.TRACK, "Home", null)).as("a track call named like a page").isZero();
        assertThat(funnels.stepsOf(EventType.PAGE, null, "home")).as("names match exactly").isZero();
        assertThat(funnels.follows("signup", funnels.definition(1))).isTrue();
        assertThat(funnels.follows("signup", funnels.definition(0))).isFalse();
    }

    @Test
    void aFunnelHasTwoToSixteenStepsNoneTwice() {
        assertThatThrownBy(() -> new Funnel("f", List.of(FunnelStep.page("A"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 2 to 16 steps");
        assertThatThrownBy(() -> new Funnel("f", List.of(FunnelStep.page("A"), FunnelStep.page("A"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none twice");
    }

    @Test
    void aSessionReachesTheStepsItTookInOrder() {
        // Product before Home does not count; Order Completed after Product does; the same millisecond in the steps' order
        assertThat(CHECKOUT.reached(List.of(new Funnel.Step(1, 1), new Funnel.Step(0, 2), new Funnel.Step(2, 3))))
                .isEqualTo(1);
        assertThat(CHECKOUT.reached(List.of(new Funnel.Step(0, 1), new Funnel.Step(1, 2), new Funnel.Step(2, 3))))
                .isEqualTo(3);
        assertThat(CHECKOUT.reached(List.of(new Funnel.Step(2, 5), new Funnel.Step(1, 5), new Funnel.Step(0, 5))))
                .isEqualTo(3);
        assertThat(CHECKOUT.reached(List.of(new Funnel.Step(-1, 1), new Funnel.Step(1, 2)))).isZero();
    }
}
