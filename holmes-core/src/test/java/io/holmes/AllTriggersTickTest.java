package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tick with every built-in trigger on (cpu, mem, thread, gc-heap, gc-time, rss) reads all six and allocates
 * nothing worth counting, like the tick of the original three (PressureTest).
 */
class AllTriggersTickTest {

    @TempDir
    Path tmp;

    @Test
    void aTickWithEveryBuiltInTriggerReadsThemAll_andAllocatesNothingWorthCounting() {
        AtomicLong clock = new AtomicLong();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1)).dumpPath(tmp)
                .nanoTime(() -> clock.addAndGet(100_000_000L))
                .cpuDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .threadDump(Integer.MAX_VALUE, 100, Integer.MAX_VALUE, 0, Duration.ofMinutes(1))
                .gcHeapDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .gcTimeDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .rssDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .rssLimit(1L << 30)
                .build().start()) {
            System.gc(); // so that gc-heap has a collection to report
            for (int i = 0; i < 20_000; i++) {
                holmes.tick(holmes.currentRun()); // warm-up: JIT and escape analysis
            }
            for (String trigger : holmes.triggers()) {
                assertThat(holmes.state(trigger).latest()).as("latest %s reading", trigger).isNotNegative();
            }
            assertThat(holmes.state("rss").latest()).as("resident memory is some of the limit").isPositive();
            long perTick = TickAllocation.bytesPerTick(holmes, 100_000);
            assertThat(perTick).as("bytes allocated per tick").isLessThanOrEqualTo(64);
            assertThat(tmp.toFile().list()).as("no capture fired").isEmpty();
        }
    }
}
