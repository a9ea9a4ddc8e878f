package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trigger and built-in trigger options fail fast, naming the option and the value; names are checked and unique. */
class TriggerBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void userTrigger_everyProblemNamed() {
        assertThatThrownBy(() -> Trigger.builder("Checkout P99", null).rule(-1, 20, 10, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trigger.name must match [a-z0-9][a-z0-9_.-]*, but was 'Checkout P99'")
                .hasMessageContaining("trigger(Checkout P99).probe must not be null")
                .hasMessageContaining("trigger(Checkout P99).min must be between 0 and 2147483647, but was -1")
                .hasMessageContaining("trigger(Checkout P99).cooldown must not be null")
                .hasMessageContaining("trigger(Checkout P99).captures must name at least one of [CPU, MEM, THREAD]");
        assertThatThrownBy(() -> Trigger.builder("queue", () -> 1).captures(DumpType.CPU).build())
                .hasMessageContaining("trigger(queue).rule must be set");
        assertThatThrownBy(() -> Trigger.builder("queue", () -> 1).rule(10, 10, 20, Duration.ZERO).max(5)
                .captures(DumpType.CPU).build())
                .hasMessageContaining("trigger(queue).max must be 0 (off) or above min (10), but was 5");
    }

    @Test
    void userTrigger_readingsBeyondPercentAreFine() {
        Trigger t = Trigger.builder("p99.ms_checkout-1", () -> 1).rule(200, 100, 2_000_000, Duration.ofMinutes(5))
                .max(3_000_000).captures(DumpType.THREAD, DumpType.CPU).build();
        assertThat(t.name()).isEqualTo("p99.ms_checkout-1");
        assertThat(t.rule()).isEqualTo(Rule.of(200, 100, 2_000_000, 3_000_000, Duration.ofMinutes(5)));
        assertThat(t.captures()).containsExactly(DumpType.CPU, DumpType.THREAD);
    }

    @Test
    void namesAreUniqueAndBuiltInNamesAreTaken() {
        Trigger a = Trigger.builder("queue", () -> 1).rule(1, 1, 1, Duration.ZERO).captures(DumpType.CPU).build();
        Trigger rss = Trigger.builder("rss", () -> 1).rule(1, 1, 1, Duration.ZERO).captures(DumpType.CPU).build();
        assertThatThrownBy(() -> Holmes.builder().dumpPath(tmp).trigger(a).trigger(a).trigger(rss).trigger(null).build())
                .hasMessageContaining("trigger(queue).name is used twice")
                .hasMessageContaining("trigger(rss).name belongs to a built-in trigger")
                .hasMessageContaining("trigger must not be null");
    }

    @Test
    void builtInTriggers_checkedAsPercentages() {
        assertThatThrownBy(() -> Holmes.builder().dumpPath(tmp)
                .gcHeapDump(50, 20, 10_001, Duration.ofMinutes(1))
                .gcTimeDump(60, 20, 50, Duration.ofMinutes(1))
                .rssDump(60, -1, 85, Duration.ofMinutes(-1))
                .rssLimit(0)
                .build())
                .hasMessageContaining("gcHeapDump.abs must be between 0 and 10000, but was 10001")
                .hasMessageContaining("gcTimeDump.min must not be above abs (50), but was 60")
                .hasMessageContaining("rssDump.diff must be between 0 and 10000, but was -1")
                .hasMessageContaining("rssDump.cooldown must not be negative, but was PT-1M")
                .hasMessageContaining("rssLimit must be a positive number of bytes, but was 0");
    }

    @Test
    void runtimeChangesAddressTriggersByName() {
        Trigger queue = Trigger.builder("queue", () -> 1).rule(1, 1, 1, Duration.ZERO).captures(DumpType.CPU).build();
        Holmes holmes = Holmes.builder().dumpPath(tmp).gcTimeDump(10, 100, 50, Duration.ofMinutes(5)).trigger(queue)
                .build();
        assertThat(holmes.triggers()).containsExactly("cpu", "mem", "thread", "gc-time", "queue");
        assertThat(holmes.isEnabled("gc-time")).isTrue();
        holmes.disable("gc-time");
        assertThat(holmes.isEnabled("gc-time")).isFalse();
        holmes.setRule("queue", Rule.of(5, 5, 500, 0, Duration.ofSeconds(1)));
        assertThat(holmes.rule("queue")).isEqualTo(Rule.of(5, 5, 500, 0, Duration.ofSeconds(1)));
        holmes.setRule("cpu", Rule.of(5, 5, 50, 0, Duration.ofSeconds(1)));
        assertThat(holmes.rule(DumpType.CPU)).isEqualTo(Rule.cpu(5, 5, 50, Duration.ofSeconds(1)));
        holmes.enable(DumpType.THREAD);
        assertThat(holmes.isEnabled("thread")).isTrue();
        assertThatThrownBy(() -> holmes.setRule("queue", Rule.cpu(5, 5, 50, Duration.ZERO)))
                .hasMessageContaining("trigger queue takes a rule of type null (Rule.of), but was given CPU");
        assertThatThrownBy(() -> holmes.enable("nope")).hasMessageContaining("no trigger named 'nope'");
        assertThat(holmes.rssLimit()).isPositive();
    }
}
