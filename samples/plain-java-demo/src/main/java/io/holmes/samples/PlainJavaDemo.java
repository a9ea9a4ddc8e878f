package io.holmes.samples;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.reporters.PyroscopeReporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Embeds Holmes through its builder, keeps a small workload running, provokes a CPU spike, a heap jump and a
 * thread pile-up, and prints every event Holmes captures with its files and the commands that open them. Then it
 * provokes a CPU burst and a heap jump that are over before a capture could start, and shows that the profile of
 * the seconds before the trigger (look-back) names their culprits while the forward capture cannot. Exits by
 * itself.
 *
 * <p>Usage: {@code java -jar holmes-plain-java-demo.jar [--pyroscope http://host:4040] [dump-directory]}. With
 * {@code --pyroscope}, every capture is also pushed to that Pyroscope server as application {@code holmes-demo}.
 */
public final class PlainJavaDemo {

    private static final int PILE_UP = 400;
    private static final long MIB = 1024 * 1024;

    private static volatile long blackhole;

    private final BlockingQueue<DumpEvent> events = new LinkedBlockingQueue<>();

    public static void main(String[] args) throws Exception {
        Path dumps = Path.of(System.getProperty("java.io.tmpdir"), "holmes-demo");
        String pyroscope = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--pyroscope") && i + 1 < args.length) {
                pyroscope = args[++i];
            } else if (args[i].startsWith("--")) {
                System.err.println("usage: java -jar holmes-plain-java-demo.jar [--pyroscope http://host:4040] [dump-directory]");
                System.exit(2);
            } else {
                dumps = Path.of(args[i]);
            }
        }
        new PlainJavaDemo().run(dumps, pyroscope);
    }

    private void run(Path dumps, String pyroscopeAddress) throws Exception {
        Workload workload = new Workload();
        workload.start();
        int threadsAtRest = Thread.activeCount();
        // Heap % is measured against this; a bounded limit keeps the demo's heap jump small on any machine.
        long memoryLimit = Math.min(Runtime.getRuntime().maxMemory(), 512 * MIB);

        Holmes.Builder builder = Holmes.builder();
        PyroscopeReporter pyroscope = null;
        if (pyroscopeAddress != null) {
            pyroscope = PyroscopeReporter.builder(pyroscopeAddress, "holmes-demo").build();
            builder.reporter(pyroscope);
        }
        try (Holmes holmes = builder
                .collectInterval(Duration.ofMillis(200))
                .dumpPath(dumps)
                .memoryLimit(memoryLimit)
                .samplingTime(Duration.ofSeconds(2))
                .cpuDump(40, 100, 95, Duration.ofSeconds(5))
                .memDump(20, 100, 90, Duration.ofSeconds(5))
                // Short, so that the look-back scenes' windows hold them and not this demo's earlier scenes.
                .lookBack(Duration.ofSeconds(5))
                // Quiet at rest: a few hundred more threads than now is a jump far beyond 100 %.
                .threadDump(threadsAtRest + 100, 100, 5_000, 0, Duration.ofMinutes(1))
                .reporter(events::add)
                .build()
                .start()) {

            System.out.printf("Holmes is watching this JVM (pid %d); dumps go to %s%n",
                    ProcessHandle.current().pid(), holmes.dumpPath());
            System.out.printf("Warming up: %d readings of each metric at %d ms...%n", 10,
                    holmes.collectInterval().toMillis());
            waitForWarmUp(holmes);

            System.out.printf("%nProvoking a CPU spike: every core busy in PlainJavaDemo.priceEveryOrder%n");
            try (CpuSpike spike = CpuSpike.onAllCores()) {
                print(awaitEventOrAsk(holmes, DumpType.CPU, Duration.ofSeconds(30)));
            }

            System.out.printf("%nProvoking a heap jump: PlainJavaDemo.loadWholeCatalogue retains %d MiB%n",
                    memoryLimit * 6 / 10 / MIB);
            List<CatalogueEntry> catalogue = new ArrayList<>();
            Thread loader = new Thread(() -> loadWholeCatalogue(catalogue, memoryLimit * 6 / 10), "demo-catalogue");
            loader.setDaemon(true);
            loader.start();
            print(awaitEvent(DumpType.MEM, Duration.ofSeconds(30)));
            loader.join();
            System.out.printf("(the catalogue holds %d entries)%n", catalogue.size());
            catalogue.clear();

            System.out.printf("%nProvoking a thread pile-up: %d threads blocked on one latch%n", PILE_UP);
            try (ThreadPileUp pileUp = ThreadPileUp.of(PILE_UP)) {
                print(awaitEvent(DumpType.THREAD, Duration.ofSeconds(20)));
            }

            System.out.printf("%nLook-back: a CPU burst of 400 ms on every core in PlainJavaDemo.recomputeDiscounts,"
                    + " over before any capture could start%n");
            Thread.sleep(5_000); // the CPU rule's cooldown, and a window of 5 s without the scenes above
            events.clear();
            burst(Duration.ofMillis(400));
            DumpEvent burst = awaitEventOrAsk(holmes, DumpType.CPU, Duration.ofSeconds(3));
            print(burst);
            printCulprit(burst, "recomputeDiscounts");

            System.out.printf("%nLook-back: PlainJavaDemo.loadPriceListAtOnce retains %d MiB at once, right after a"
                    + " reading and done before the next one%n", memoryLimit * 3 / 10 / MIB);
            System.gc();
            Thread.sleep(5_000); // the heap rule's cooldown, and a quiet heap to compare with
            events.clear();
            long ticks = holmes.ticks();
            while (holmes.ticks() == ticks) {
                Thread.sleep(1);
            }
            List<byte[]> priceList = loadPriceListAtOnce(memoryLimit * 3 / 10);
            DumpEvent jump = awaitEventOrAsk(holmes, DumpType.MEM, Duration.ofSeconds(3));
            print(jump);
            printCulprit(jump, "loadPriceListAtOnce");
            System.out.printf("(the price list holds %d MiB)%n", priceList.size() / 16);
            priceList.clear();

            System.out.printf("%nAsking for a thread dump on demand: holmes.dump(DumpType.THREAD)%n");
            print(holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS));

            System.out.printf("%n%d KiB of dumps in %s%n", holmes.bytesOnDisk() / 1024, holmes.dumpPath());
        } finally {
            workload.stop();
        }
        if (pyroscope != null) {
            // Holmes closed the reporter with itself, after it uploaded what it could within its timeout.
            System.out.printf("Pyroscope at %s: %d uploads delivered, %d failed, %d dropped%n", pyroscopeAddress,
                    pyroscope.deliveredUploads(), pyroscope.failedUploads(), pyroscope.droppedUploads());
        }
    }

    /** The heap jump: retains {@code bytes} of catalogue entries over about three seconds. */
    private static void loadWholeCatalogue(List<CatalogueEntry> catalogue, long bytes) {
        long perStep = bytes / 30;
        for (int step = 0; step < 30; step++) {
            for (long b = 0; b < perStep; b += CatalogueEntry.BYTES) {
                catalogue.add(new CatalogueEntry(step, b));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The short heap jump: {@code bytes} retained in one go, in well under one collect interval. */
    private static List<byte[]> loadPriceListAtOnce(long bytes) {
        List<byte[]> list = new ArrayList<>();
        for (long b = 0; b < bytes; b += 64 * 1024) {
            list.add(new byte[64 * 1024]);
        }
        return list;
    }

    /** The short CPU burst: every core busy in {@link #recomputeDiscounts(long)} for {@code length}, then done. */
    private static void burst(Duration length) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread t = new Thread(() -> recomputeDiscounts(end), "demo-discounts-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void recomputeDiscounts(long endNanos) {
        long x = 1;
        while (System.nanoTime() < endNanos) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        blackhole = x;
    }

    /**
     * The rule's event, or (if the rule did not see it: on a machine so busy that the spike got little CPU) one
     * asked for by hand.
     */
    private DumpEvent awaitEventOrAsk(Holmes holmes, DumpType type, Duration timeout) throws Exception {
        try {
            return awaitEvent(type, timeout);
        } catch (IllegalStateException noRule) {
            System.out.printf("(no %s rule fired; asking by hand: holmes.dump(DumpType.%s))%n", type, type);
            return holmes.dump(type).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Prints the culprit's share of the window before the trigger and of the forward capture, read from their
     * JFR files: CPU samples for a CPU event, allocated bytes for a MEM event.
     */
    private static void printCulprit(DumpEvent event, String culprit) throws Exception {
        DumpEvent.LookBack lookBack = event.lookBack().orElse(null);
        if (lookBack == null) {
            System.out.printf("No look-back window for this event: %s%n", event.details().get("lookBack"));
            return;
        }
        boolean bytes = event.type() == DumpType.MEM;
        String unit = bytes ? "MiB allocated" : "CPU samples";
        Path before = lookBack.files().get(0);
        Path after = event.files().stream().filter(f -> f.getFileName().toString().matches("[a-z]+\\.[0-9.-]+\\.jfr"))
                .findFirst().orElseThrow();
        long[] b = culprit(before, culprit, bytes, lookBack);
        long[] a = culprit(after, culprit, bytes, null);
        System.out.printf("Before the trigger (%.1f s up to it): %s in %s of %s %s (%.0f %%) -> %s%n",
                lookBack.duration().toMillis() / 1000.0, culprit, amount(b[0], bytes), amount(b[1], bytes), unit,
                percent(b), b[0] * 2 > b[1] ? "the before-profile names the culprit" : "the culprit does not lead");
        System.out.printf("After the trigger (the forward capture): %s in %s of %s %s (%.0f %%): it was over%n",
                culprit, amount(a[0], bytes), amount(a[1], bytes), unit, percent(a));
        System.out.printf("See %s%n", lookBack.files().get(2).toUri());
    }

    private static String amount(long value, boolean bytes) {
        return bytes ? Long.toString(value / MIB) : Long.toString(value);
    }

    private static double percent(long[] counts) {
        return counts[1] == 0 ? 0 : 100.0 * counts[0] / counts[1];
    }

    /**
     * {culprit's share, whole}: CPU samples, or allocated bytes (each sample's weight, as Pyroscope's JFR parser
     * counts them), within the window when one is given.
     */
    private static long[] culprit(Path jfr, String culprit, boolean bytes, DumpEvent.LookBack window)
            throws Exception {
        long hits = 0;
        long all = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                long value;
                if (!bytes && type.equals("jdk.ExecutionSample")) {
                    value = 1;
                } else if (bytes && type.equals("jdk.ObjectAllocationSample")) {
                    value = e.getLong("weight");
                } else if (bytes && type.equals("jdk.ObjectAllocationInNewTLAB")) {
                    value = e.getLong("tlabSize");
                } else if (bytes && type.equals("jdk.ObjectAllocationOutsideTLAB")) {
                    value = e.getLong("allocationSize");
                } else {
                    continue;
                }
                if (e.getStackTrace() == null || window != null
                        && (e.getStartTime().isBefore(window.from()) || e.getStartTime().isAfter(window.to()))) {
                    continue;
                }
                all += value;
                for (RecordedFrame frame : e.getStackTrace().getFrames()) {
                    if (frame.getMethod().getName().equals(culprit)) {
                        hits += value;
                        break;
                    }
                }
            }
        }
        return new long[] {hits, all};
    }

    /** What the heap jump is made of; the class histogram of the MEM event names it. */
    private static final class CatalogueEntry {
        static final int BYTES = 64;
        final long sku;
        final long price;
        final byte[] description = new byte[24];

        CatalogueEntry(long sku, long price) {
            this.sku = sku;
            this.price = price;
        }
    }

    private static void waitForWarmUp(Holmes holmes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (holmes.state(DumpType.CPU).window().size() < 10) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Holmes did not warm up within 20 s");
            }
            Thread.sleep(100);
        }
    }

    private DumpEvent awaitEvent(DumpType type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            DumpEvent event = events.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && event.type() == type) {
                return event;
            }
        }
        throw new IllegalStateException("No " + type + " event within " + timeout.toSeconds() + " s");
    }

    private static void print(DumpEvent event) {
        if (event.rule() == null) {
            System.out.printf("Event %s: %s, taken on demand%n", event.id(), event.type());
        } else {
            Rule rule = event.rule();
            System.out.printf("Event %s: %s, reason %s, reading %d against an average of %d"
                            + " (rule: min %d, diff %d%%, abs %d, cooldown %ds)%n",
                    event.id(), event.type(), event.reason(), event.current(), event.average(),
                    rule.min(), rule.diff(), rule.abs(), rule.cooldown().toSeconds());
        }
        for (Path file : event.files()) {
            System.out.printf("  %-70s %s%n", file, howToOpen(file));
        }
    }

    private static String howToOpen(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".pb.gz")) {
            return "go tool pprof -top " + file;
        }
        if (name.startsWith("cpu.") && name.endsWith(".jfr")) {
            return "jfr print --events jdk.ExecutionSample " + file;
        }
        if (name.endsWith(".jfr")) {
            return "jfr summary " + file + "   (or JDK Mission Control)";
        }
        if (name.endsWith(".html")) {
            return "open " + file.toUri() + " in a browser";
        }
        return "less " + file;
    }

    /** Every core busy in {@link #priceEveryOrder()} until closed. */
    private static final class CpuSpike implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        static CpuSpike onAllCores() {
            CpuSpike spike = new CpuSpike();
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                Thread t = new Thread(spike::priceEveryOrder, "demo-pricing-" + i);
                t.setDaemon(true);
                t.start();
                spike.threads.add(t);
            }
            return spike;
        }

        /** The culprit the CPU flame graph shows. */
        private void priceEveryOrder() {
            long price = 1;
            while (running) {
                for (int i = 0; i < 1_000_000; i++) {
                    price = price * 6364136223846793005L + 1442695040888963407L;
                }
                blackhole = price;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(1_000);
            }
        }
    }

    /** Threads parked on one latch until closed: the shape of a pool that stopped draining. */
    private static final class ThreadPileUp implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<Thread> threads = new ArrayList<>();

        static ThreadPileUp of(int count) {
            ThreadPileUp pileUp = new ThreadPileUp();
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(pileUp::waitForDownstream, "demo-request-" + i);
                t.setDaemon(true);
                t.start();
                pileUp.threads.add(t);
            }
            return pileUp;
        }

        private void waitForDownstream() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            for (Thread t : threads) {
                t.join(1_000);
            }
        }
    }

    /** A light steady background: hashing small strings on one thread, a few percent of a core. */
    private static final class Workload implements Runnable {
        private final Thread thread = new Thread(this, "demo-workload");
        private volatile boolean running = true;

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(1_000);
        }

        @Override
        public void run() {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long n = 0;
            while (running) {
                sha.update(("order-" + n++).getBytes(StandardCharsets.UTF_8));
                sha.digest();
                if (n % 1_000 == 0) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }
}
