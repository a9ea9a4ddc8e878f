package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    @Test
    void keepsHeaderTopRowsAndTotal_andSaysHowManyWereLeftOut() {
        String full = String.join("\n",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:          1000         160000  [B (java.base@17)",
                "   2:           500          80000  java.lang.String (java.base@17)",
                "   3:            10            160  java.lang.Object (java.base@17)",
                "Total          1510         240160",
                "");
        String top = ClassHistogram.top(full, 2);
        assertThat(top).contains("#instances", "-----", "[B (java.base@17)", "java.lang.String", "Total          1510")
                .contains("... 1 more classes").doesNotContain("java.lang.Object");
    }

    @Test
    void theRealHistogramOfThisJvmListsItsClasses() throws Exception {
        Object[] keep = new HistogramMarker[10_000];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new HistogramMarker();
        }
        String histogram = ClassHistogram.take(5_000);
        assertThat(histogram).contains("ClassHistogramTest$HistogramMarker").contains("Total");
        assertThat(keep).doesNotContainNull();
    }

    static final class HistogramMarker {
    }
}
