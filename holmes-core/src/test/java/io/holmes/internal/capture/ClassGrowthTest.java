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
    void columnsAreLaidOutAsFormatWouldLayThemOut() {
        long[] values = {0, 1, -1, 9, -9, 123_456_789_012L, -123_456_789_012L, 99_999_999_999_999L,
                Long.MAX_VALUE, Long.MIN_VALUE};
        for (long value : values) {
            for (int width : new int[] {4, 12, 14}) {
                assertThat(ClassGrowth.column(new StringBuilder(), ClassGrowth.signed(value), width).toString())
                        .as("%%+%dd of %d", width, value)
                        .isEqualTo(String.format(Locale.ROOT, "%+" + width + "d", value));
                assertThat(ClassGrowth.column(new StringBuilder(), Long.toString(value), width).toString())
                        .as("%%%dd of %d", width, value)
                        .isEqualTo(String.format(Locale.ROOT, "%" + width + "d", value));
            }
        }
        assertThat(ClassGrowth.column(new StringBuilder(), "bytes gained", 14).toString())
                .isEqualTo(String.format(Locale.ROOT, "%14s", "bytes gained"));
    }

    @Test
    void reportRowsAndHeaderAreTheFormerFormatLayout_wideNumbersAndLongNamesIncluded() {
        String before = """
                   1:    9999999999   999999999999  [J (java.base@17.0.15)
                   2:             7            112  com.example.Shrinks
                """;
        String after = """
                   1:   12345678901  1234567890123  [J (java.base@17.0.15)
                   2:             1             16  com.example.Shrinks
                   3:             3             48  com.example.a.very.long.package.name.that.is.wider.than.any.column.Type
                """;

        String report = ClassGrowth.report(before, after, 42, 100);

        assertThat(report).contains(String.format(Locale.ROOT, "%5s %14s %12s %12s %14s %12s %14s  %s\n", "rank",
                "bytes gained", "inst gained", "inst before", "bytes before", "inst after", "bytes after", "class"));
        assertThat(report).contains(String.format(Locale.ROOT, "%4d: %+14d %+12d %12d %14d %12d %14d  %s\n", 1,
                234_567_890_124L, 2_345_678_902L, 9_999_999_999L, 999_999_999_999L, 12_345_678_901L,
                1_234_567_890_123L, "[J (java.base@17.0.15)"));
        assertThat(report).contains(String.format(Locale.ROOT, "%4d: %+14d %+12d %12d %14d %12d %14d  %s\n", 2, 48L,
                3L, 0L, 0L, 3L, 48L, "com.example.a.very.long.package.name.that.is.wider.than.any.column.Type"));
        assertThat(report).doesNotContain("Shrinks")
                .endsWith("\nTotal: 1000000000111 bytes before, 1234567890187 bytes after, +234567890076\n");
    }

    @Test
    void reportWithNothingGained_saysSo() {
        String same = """
                   1:            10            160  com.example.Same
                """;

        assertThat(ClassGrowth.report(same, same, 7, 10))
                .contains("   no class gained bytes\n")
                .endsWith("\nTotal: 160 bytes before, 160 bytes after, +0\n");
    }
}
