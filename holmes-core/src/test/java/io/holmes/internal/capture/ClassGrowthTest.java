package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
