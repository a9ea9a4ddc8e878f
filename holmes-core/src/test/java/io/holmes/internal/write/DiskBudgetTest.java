package io.holmes.internal.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiskBudgetTest {

    private static StoredEvent event(String stamp, long bytes) {
        return new StoredEvent("thread", stamp, List.of(Path.of("thread." + stamp + ".json")), bytes);
    }

    @Test
    void withinBudgetNothingIsEvicted() {
        assertThat(new DiskBudget(3, 1000).evictions(List.of(event("20260101-000000.000", 100)))).isEmpty();
    }

    @Test
    void countLimitEvictsOldestFirstWhateverTheInputOrder() {
        StoredEvent a = event("20260101-000000.000", 1);
        StoredEvent b = event("20260101-000000.001", 1);
        StoredEvent c = event("20260102-000000.000", 1);
        StoredEvent d = event("20260103-000000.000", 1);
        assertThat(new DiskBudget(2, 1000).evictions(List.of(d, b, c, a))).containsExactly(a, b);
    }

    @Test
    void byteLimitEvictsUntilTheRestFits() {
        StoredEvent a = event("20260101-000000.000", 400);
        StoredEvent b = event("20260101-000000.001", 400);
        StoredEvent c = event("20260101-000000.002", 400);
        assertThat(new DiskBudget(10, 900).evictions(List.of(a, b, c))).containsExactly(a);
        assertThat(new DiskBudget(10, 800).evictions(List.of(a, b, c))).containsExactly(a);
        assertThat(new DiskBudget(10, 799).evictions(List.of(a, b, c))).containsExactly(a, b);
    }

    @Test
    void theNewestEventIsKeptEvenAloneOverTheLimit() {
        StoredEvent a = event("20260101-000000.000", 10);
        StoredEvent huge = event("20260101-000000.001", 5000);
        assertThat(new DiskBudget(10, 1000).evictions(List.of(a, huge))).containsExactly(a);
    }

    @Test
    void pinnedEvents_beingWrittenOrJustWritten_areNeverEvicted_andWorkInProgressCountsAgainstTheBytes() {
        StoredEvent a = event("20260101-000000.000", 100);
        StoredEvent b = event("20260101-000000.001", 100);
        StoredEvent c = event("20260101-000000.002", 100);
        assertThat(new DiskBudget(1, 1 << 20).evictions(List.of(a, b, c), e -> e == a, 0)).containsExactly(b);
        assertThat(new DiskBudget(10, 250).evictions(List.of(a, b, c), e -> false, 0)).containsExactly(a);
        // 200 bytes of recordings in progress leave room for one of the three events.
        assertThat(new DiskBudget(10, 350).evictions(List.of(a, b, c), e -> false, 200)).containsExactly(a, b);
    }

    @Test
    void aHeapDumpIsRefused_whenTheBudgetOrTheFreeSpaceCannotHoldIt() {
        long mib = 1 << 20;
        // 100 MiB of heap needs 100 + 10 + 64 = 174 MiB free.
        assertThat(DiskBudget.heapDumpRefusal(100 * mib, 174 * mib, 1024 * mib)).isEmpty();
        assertThat(DiskBudget.heapDumpRefusal(100 * mib, 173 * mib, 1024 * mib)).hasValue(
                "a heap dump of about 100 MiB needs 174 MiB free, but the dump path's file system has 173 MiB");
        assertThat(DiskBudget.heapDumpRefusal(300 * mib, 100_000 * mib, 256 * mib)).hasValue(
                "a heap dump of about 300 MiB would not fit the disk budget of 256 MiB (dumpBudget.maxBytes)");
    }
}
