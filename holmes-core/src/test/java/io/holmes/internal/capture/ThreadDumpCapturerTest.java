package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.testing.EventFiles;
import io.holmes.testing.Pprof;
import io.holmes.internal.write.DiskBudget;
import io.holmes.internal.write.DumpDirectory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thread-count limit above which a THREAD capture leaves lock details out, with real threads holding locks. */
class ThreadDumpCapturerTest {

    @TempDir
    Path tmp;

    private final CountDownLatch release = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private Thread holder;

    @AfterEach
    void release() throws InterruptedException {
        release.countDown();
        if (holder != null) {
            holder.join(5_000);
        }
    }

    private void holdLockInHolmesTest() {
        lock.lock();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void atOrBelowTheLimit_theDumpHasLockDetails_aboveItTheCheaperDumpSaysWhatItLeftOut() throws Exception {
        holder = new Thread(this::holdLockInHolmesTest, "holmes-test-lock-holder");
        holder.setDaemon(true);
        holder.start();
        await().until(() -> holder.getState() == Thread.State.WAITING && lock.isLocked());
        int live = ManagementFactory.getThreadMXBean().getThreadCount();

        DumpEvent full = capture(new ThreadDumpCapturer(Clock.systemUTC(), live + 1_000));
        String fullText = Files.readString(file(full, ".txt"));
        assertThat(full.details()).containsKey("deadlockedThreads").doesNotContainKey("lockDetails");
        assertThat(block(fullText)).contains("Locked ownable synchronizers:").contains(" nid=0x");

        DumpEvent cheap = capture(new ThreadDumpCapturer(Clock.systemUTC(), 1));
        String cheapText = Files.readString(file(cheap, ".txt"));
        assertThat(cheap.details()).doesNotContainKey("deadlockedThreads");
        assertThat(cheap.details().get("lockDetails")).isEqualTo("left out above 1 live threads: no held monitors or "
                + "synchronizers, no deadlock search, no native thread ids");
        assertThat(cheapText).contains("Lock details left out for this many threads");
        assertThat(block(cheapText)).contains("holdLockInHolmesTest").doesNotContain("Locked ownable synchronizers:")
                .doesNotContain(" nid=");
        // Every thread is still there, in both files.
        assertThat(Pprof.read(file(cheap, ".pb.gz")).total(0, "holdLockInHolmesTest")).isEqualTo(1);
        assertThat(Long.parseLong(cheap.details().get("threads"))).isGreaterThanOrEqualTo(live - 5);
    }

    private DumpEvent capture(ThreadDumpCapturer capturer) throws Exception {
        DumpDirectory dumps = new DumpDirectory(tmp, new DiskBudget(50, 64L << 20), Clock.systemUTC());
        CaptureRequest request = new CaptureRequest(DumpType.THREAD, Reason.MANUAL, null, 0, 0, List.of(),
                new CompletableFuture<>());
        Capture capture = new Capture(request, dumps.begin(DumpType.THREAD), DumpEvent.builder().id("t")
                .type(DumpType.THREAD).reason(Reason.MANUAL).start(Instant.now()));
        capturer.capture(List.of(capture));
        capture.files().discardScratch();
        return capture.event().files(capture.files().files()).build();
    }

    private static Path file(DumpEvent event, String suffix) {
        return EventFiles.file(event, suffix);
    }

    private static String block(String dump) {
        int start = dump.indexOf("\"holmes-test-lock-holder\"");
        assertThat(start).isNotNegative();
        int end = dump.indexOf("\n\n\"", start);
        return dump.substring(start, end < 0 ? dump.length() : end);
    }
}
