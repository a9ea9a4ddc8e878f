package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ClassGrowthTest {

    private static final String BEFORE = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000         160000  [B (java.base@17.0.15)
               2:           500          12000  java.lang.String (java.base@17.0.15)
               3:            10            640  com.example.Order
               4:             5            200  com.example.Gone
            Total          1515         172840
            """;
    private static final String AFTER = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         90000        5760000  com.example.Order
               2:           900         100000  [B (java.base@17.0.15)
               3:           600          14400  java.lang.String (java.base@17.0.15)
               4:             1             16  com.example.New
            Total         91501        5874416
            """;

    @Test
    void classesAreOrderedByBytesGained_withBeforeAfterAndDifference() {
        List<ClassGrowth.Row> rows = ClassGrowth.compare(BEFORE, AFTER);

        assertThat(rows).extracting(ClassGrowth.Row::className).containsExactly("com.example.Order",
                "java.lang.String (java.base@17.0.15)", "com.example.New", "com.example.Gone",
                "[B (java.base@17.0.15)");
        assertThat(rows.get(0)).isEqualTo(new ClassGrowth.Row("com.example.Order", 10, 640, 90000, 5760000));
        assertThat(rows.get(0).bytesGained()).isEqualTo(5759360);
        assertThat(rows.get(3)).isEqualTo(new ClassGrowth.Row("com.example.Gone", 5, 200, 0, 0));
    }

    @Test
    void reportListsOnlyClassesThatGained_thenTotals() {
        String report = ClassGrowth.report(BEFORE, AFTER, 5000, 2);

        assertThat(report).startsWith("Classes by bytes gained in 5000 ms");
        assertThat(report).containsPattern("\\n   1: +\\+5759360 +\\+89990 +10 +640 +90000 +5760000  com.example.Order\\n");
        assertThat(report).containsPattern("\\n   2: +\\+2400 +\\+100 .* java.lang.String \\(java.base@17.0.15\\)\\n");
        assertThat(report).contains("   ... 1 more classes gained bytes").doesNotContain("[B").doesNotContain("Gone");
        assertThat(report).contains("Total: 172840 bytes before, 5874416 bytes after, +5701576");
    }

    @Test
    void reportIsLaidOutAsFormatWouldLayItOut_wideAndNegativeNumbersIncluded() {
        String before = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:    9999999999   999999999999  [J (java.base@17.0.15)
                   2:             7            112  com.example.Shrinks
                   3:             1             16  com.example.Same
                Total    9999999999   999999999999
                """;
        String after = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:   12345678901  1234567890123  [J (java.base@17.0.15)
                   2:             1             16  com.example.Shrinks
                   3:             1             16  com.example.Same
                   4:             3             48  com.example.a.very.long.package.name.that.is.wider.than.any.column.Type
                Total   12345678905  1234567890203
                """;

        String report = ClassGrowth.report(before, after, 42, 100);

        assertThat(report).isEqualTo(formatted(ClassGrowth.compare(before, after), 42, 100));
        assertThat(report).containsPattern("\\n   1: +\\+234567890124 +\\+2345678902 +9999999999 +999999999999 "
                + "+12345678901 +1234567890123  \\[J \\(java.base@17.0.15\\)\\n");
        assertThat(report).contains("  com.example.a.very.long.package.name.that.is.wider.than.any.column.Type\n");
    }

    @Test
    void reportWithNothingGained_saysSo() {
        String same = """
                   1:            10            160  com.example.Same
                """;

        String report = ClassGrowth.report(same, same, 7, 10);

        assertThat(report).isEqualTo(formatted(ClassGrowth.compare(same, same), 7, 10)).contains("no class gained");
    }

    /** The report as {@code String.format} lays it out: the reference the hand-built one must match. */
    private static String formatted(List<ClassGrowth.Row> rows, long millis, int limit) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Classes by bytes gained in %d ms, between two histograms of all objects "
                + "(reachable or not; no GC forced)\n\n", millis));
        out.append(String.format(Locale.ROOT, "%5s %14s %12s %12s %14s %12s %14s  %s\n", "rank", "bytes gained",
                "inst gained", "inst before", "bytes before", "inst after", "bytes after", "class"));
        long totalBefore = 0;
        long totalAfter = 0;
        int listed = 0;
        int more = 0;
        for (ClassGrowth.Row row : rows) {
            totalBefore += row.bytesBefore();
            totalAfter += row.bytesAfter();
            if (row.bytesGained() <= 0) {
                continue;
            }
            if (listed == limit) {
                more++;
                continue;
            }
            listed++;
            out.append(String.format(Locale.ROOT, "%4d: %+14d %+12d %12d %14d %12d %14d  %s\n", listed,
                    row.bytesGained(), row.instancesGained(), row.instancesBefore(), row.bytesBefore(),
                    row.instancesAfter(), row.bytesAfter(), row.className()));
        }
        if (more > 0) {
            out.append(String.format(Locale.ROOT, "   ... %d more classes gained bytes\n", more));
        }
        if (listed == 0) {
            out.append("   no class gained bytes\n");
        }
        out.append(String.format(Locale.ROOT, "\nTotal: %d bytes before, %d bytes after, %+d\n", totalBefore,
                totalAfter, totalAfter - totalBefore));
        return out.toString();
    }
}
