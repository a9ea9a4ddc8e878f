package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.holmes.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiler directive, in child JVMs whose only work is converting one recording again and again: with it,
 * async-profiler's reader and converter, and Holmes' own writer of the CPU profile, are compiled by C1 only; without
 * it (the property set to false) the same run compiles both with C2, so the first check can fail; with tiered
 * compilation off it is not added at all.
 */
class ConverterCompilationTest {

    private static final Pattern COMPILED = Pattern.compile("(?m)^compiled tier=(\\d) (\\S+)$");

    @TempDir
    Path tmp;

    @Test
    void withTheDirective_theConvertersAreCompiledByC1Only() throws Exception {
        String out = child(List.of(), 400);
        assertThat(out).contains("outcome: added ");
        List<Integer> tiers = tiers(out, "one.");
        assertThat(tiers).as(out).isNotEmpty().allMatch(tier -> tier >= 1 && tier <= 3);
        List<Integer> holmes = tiers(out, ConverterCompilationMain.HOLMES);
        assertThat(holmes).as(out).isNotEmpty().allMatch(tier -> tier >= 1 && tier <= 3);
    }

    @Test
    void withoutIt_theSameRunCompilesThemWithC2() throws Exception {
        String out = child(List.of("-D" + ConverterCompilation.DISABLE_PROPERTY + "=false"), 400);
        assertThat(out).contains("outcome: left alone: " + ConverterCompilation.DISABLE_PROPERTY + "=false");
        assertThat(tiers(out, "one.")).as(out).contains(4);
        assertThat(tiers(out, ConverterCompilationMain.HOLMES)).as(out).contains(4);
    }

    @Test
    void withTieredCompilationOff_itIsNotAdded() throws Exception {
        String out = child(List.of("-XX:-TieredCompilation"), 1);
        assertThat(out).contains("outcome: left alone: tiered compilation is off (TieredCompilation=false)");
    }

    @Test
    void refusesWhenC2IsTheOnlyCompilerOrNotUsed() {
        assertThat(ConverterCompilation.refusal("true", "4")).isNull();
        assertThat(ConverterCompilation.refusal("false", "4")).contains("tiered compilation is off");
        assertThat(ConverterCompilation.refusal(null, null)).contains("tiered compilation is off");
        assertThat(ConverterCompilation.refusal("true", "1")).contains("TieredStopAtLevel=1");
    }

    /** The tiers of the printed compilations of classes whose name starts with {@code prefix}. */
    private static List<Integer> tiers(String out, String prefix) {
        List<Integer> tiers = new ArrayList<>();
        Matcher m = COMPILED.matcher(out);
        while (m.find()) {
            if (m.group(2).startsWith(prefix)) {
                tiers.add(Integer.parseInt(m.group(1)));
            }
        }
        return tiers;
    }

    private String child(List<String> options, int conversions) throws Exception {
        return ChildJvm.run(ChildJvm.command(options, ConverterCompilationMain.class, tmp.toString(),
                Integer.toString(conversions)), tmp.resolve("child.out"), 240);
    }
}
