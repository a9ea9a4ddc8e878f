package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @Test
    void rowsAreReadByHand_asTheHistogramsFormatSays() {
        long[] counts = new long[2];
        String line = "  12:        340        8160  java.lang.String (java.base@17.0.15) \r";
        int name = ClassHistogram.row(line, 0, line.length(), counts);
        assertThat(counts).containsExactly(340, 8160);
        assertThat(line.substring(name, ClassHistogram.nameEnd(line, name, line.length())))
                .isEqualTo("java.lang.String (java.base@17.0.15)");
        for (String notARow : List.of(" num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------", "Total          1510         240160",
                "   3:            10            160", "   3:            10", "   3: x 10 160 Foo", "3 10 160 Foo",
                "   :   10   160  Foo", "")) {
            assertThat(ClassHistogram.row(notARow, 0, notARow.length(), counts)).as(notARow).isEqualTo(-1);
        }
    }

    /** The hand-written reader against a regular expression of the row format, on this JVM's own histogram. */
    @Test
    void readingTheRealHistogram_findsWhatTheRowFormatsRegularExpressionFinds() throws Exception {
        String histogram = ClassHistogram.takeAll();
        Map<String, long[]> expected = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$").matcher(histogram);
        while (m.find()) {
            long[] c = expected.computeIfAbsent(m.group(3), k -> new long[2]);
            c[0] += Long.parseLong(m.group(1));
            c[1] += Long.parseLong(m.group(2));
        }
        Map<String, long[]> read = ClassGrowth.parse(histogram);
        assertThat(expected).hasSizeGreaterThan(1_000);
        assertThat(read.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertThat(read.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
        }
    }

    static final class HistogramMarker {
    }
}
