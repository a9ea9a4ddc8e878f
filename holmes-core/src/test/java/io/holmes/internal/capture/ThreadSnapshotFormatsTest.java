package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holmes.testing.Pprof;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real threads in known states, snapshotted and written in both formats, then read back. */
class ThreadSnapshotFormatsTest {

    private final Object monitor = new Object();
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void release() throws InterruptedException {
        release.countDown();
        for (Thread t : threads) {
            t.interrupt();
            t.join(5000);
        }
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        return t;
    }

    private void holdMonitorAndLock() {
        synchronized (monitor) {
            lock.lock();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }

    private void blockOnMonitor() {
        synchronized (monitor) {
            Thread.onSpinWait();
        }
    }

    private static void parkedWorker(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String text(ThreadSnapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ThreadDumpText.write(snapshot, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textShowsHolderAndWaiterOfTheSameMonitor_inJstackLayout() throws IOException {
        Thread holder = start("holmes-test-holder", this::holdMonitorAndLock);
        await().until(() -> holder.getState() == Thread.State.WAITING);
        Thread blocked = start("holmes-test-blocked", this::blockOnMonitor);
        await().until(() -> blocked.getState() == Thread.State.BLOCKED);

        String dump = text(ThreadSnapshot.take(Instant.parse("2026-11-21T17:00:00Z")));

        assertThat(dump).startsWith("2026-11-21 17:00:00Z\nFull thread dump ");
        String holderBlock = block(dump, "holmes-test-holder");
        String blockedBlock = block(dump, "holmes-test-blocked");
        assertThat(holderBlock).containsPattern("^\"holmes-test-holder\" #\\d+ daemon prio=5 cpu=\\d+\\.\\d{2}ms nid=0x[0-9a-f]+\n");
        assertThat(holderBlock).contains("   java.lang.Thread.State: WAITING (parking)\n");
        assertThat(holderBlock).contains("\tat java.util.concurrent.CountDownLatch.await(java.base@");
        assertThat(holderBlock).contains("\t- parking to wait for  <0x");
        assertThat(holderBlock).contains("ThreadSnapshotFormatsTest.holdMonitorAndLock(ThreadSnapshotFormatsTest.java:");
        assertThat(holderBlock).contains("   Locked ownable synchronizers:\n\t- <0x");
        assertThat(holderBlock).contains("(a java.util.concurrent.locks.ReentrantLock$NonfairSync)");
        assertThat(blockedBlock).contains("   java.lang.Thread.State: BLOCKED (on object monitor)\n");

        String locked = lockId(holderBlock, "\t- locked (<0x[0-9a-f]+>) \\(a java.lang.Object\\)");
        String waited = lockId(blockedBlock, "\t- waiting to lock (<0x[0-9a-f]+>) \\(a java.lang.Object\\) owned by \"holmes-test-holder\"");
        assertThat(waited).isEqualTo(locked);
    }

    @Test
    void headerCarriesTheNativeThreadId_thatTheKernelKnowsTheThreadBy() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "needs Linux /proc/thread-self");
        AtomicLong kernelId = new AtomicLong(-1);
        CountDownLatch latch = new CountDownLatch(1);
        Thread t = start("holmes-test-nid", () -> {
            try {
                // "<pid>/task/<tid>": the id the kernel (and jstack's nid) gives this thread.
                Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
                kernelId.set(Long.parseLong(self.getFileName().toString()));
            } catch (IOException | NumberFormatException e) {
                kernelId.set(-2);
            }
            parkedWorker(latch);
        });
        await().until(() -> kernelId.get() != -1 && t.getState() == Thread.State.WAITING);
        assertThat(kernelId.get()).isPositive();

        String dump = text(ThreadSnapshot.take(Instant.now()));

        assertThat(block(dump, "holmes-test-nid"))
                .startsWith("\"holmes-test-nid\" #" + t.getId() + " daemon")
                .contains(" nid=0x" + Long.toHexString(kernelId.get()) + "\n");
        latch.countDown();
    }

    @Test
    void threadPrintHeadersOfBothJdkLayoutsAreRead() {
        String jdk17 = "\"main\" #1 prio=5 os_prio=0 cpu=741.17ms elapsed=2.92s tid=0x00007f65b8018020 nid=0x5522 "
                + "waiting on condition  [0x00007f65bcd1d000]\n";
        String jdk25 = "\"a \"quoted\" #7 name\" #3 [22070] prio=5 os_prio=0 cpu=886.71ms elapsed=5.72s "
                + "tid=0x00007f93c802aaa0 nid=22070 waiting on condition  [0x00007f93cdd1e000]\n";
        String vmThread = "\"VM Thread\" os_prio=0 cpu=1.00ms elapsed=2.00s tid=0x00007f nid=0x10 runnable\n";

        assertThat(NativeThreadIds.parse(jdk17 + jdk25 + vmThread)).containsOnly(
                org.assertj.core.api.Assertions.entry(1L, 0x5522L), org.assertj.core.api.Assertions.entry(3L, 22070L));
    }

    @Test
    void pprofHasOneSamplePerThread_andIdenticalStacksAddUp() throws IOException {
        CountDownLatch latch = new CountDownLatch(1);
        for (int i = 0; i < 25; i++) {
            start("holmes-test-parked-" + i, () -> parkedWorker(latch));
        }
        await().until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        ThreadSnapshot snapshot = ThreadSnapshot.take(Instant.parse("2026-11-21T17:00:00Z"));
        try {
            Pprof profile = Pprof.parse(ThreadProfile.encode(snapshot));

            assertThat(profile.sampleTypes()).containsExactly("threads/count", "cpu/nanoseconds");
            assertThat(profile.defaultSampleType()).isEqualTo("threads");
            assertThat(profile.timeNanos()).isEqualTo(Instant.parse("2026-11-21T17:00:00Z").getEpochSecond() * 1_000_000_000L);
            assertThat(profile.samples()).hasSize(snapshot.threads().size());
            assertThat(profile.total(0)).isEqualTo(snapshot.threads().size());
            assertThat(profile.total(0, "ThreadSnapshotFormatsTest.parkedWorker")).isEqualTo(25);
            Pprof.Sample one = profile.samples().stream()
                    .filter(s -> "holmes-test-parked-7".equals(s.labels().get("thread"))).findFirst().orElseThrow();
            assertThat(one.labels()).containsEntry("state", "WAITING");
            assertThat(one.numLabels()).containsKey("thread_id");
            assertThat(one.stack().get(0)).isEqualTo("jdk.internal.misc.Unsafe.park");
            assertThat(one.stack()).contains("java.util.concurrent.CountDownLatch.await",
                    "io.holmes.internal.capture.ThreadSnapshotFormatsTest.parkedWorker", "java.lang.Thread.run");
            // All 25 share one stack, so they share its locations: the profile stays small.
            long distinctStacks = profile.samples().stream().filter(s -> s.contains("parkedWorker"))
                    .map(Pprof.Sample::stack).distinct().count();
            assertThat(distinctStacks).isEqualTo(1);
        } finally {
            latch.countDown();
        }
    }

    private static String block(String dump, String threadName) {
        int start = dump.indexOf("\"" + threadName + "\"");
        assertThat(start).as("thread %s in dump", threadName).isNotNegative();
        int end = dump.indexOf("\n\n\"", start);
        return dump.substring(start, end < 0 ? dump.length() : end);
    }

    private static String lockId(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in\n%s", regex, text).isTrue();
        return m.group(1);
    }
}
