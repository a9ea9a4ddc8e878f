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

/**
 * Embeds Holmes through its builder, keeps a small workload running, provokes a CPU spike, a heap jump and a
 * thread pile-up, and prints every event Holmes captures with its files and the commands that open them. Exits
 * by itself.
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
                .cpuDump(40, 100, 95, Duration.ofMinutes(1))
                .memDump(20, 100, 90, Duration.ofMinutes(1))
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
                print(awaitEvent(DumpType.CPU, Duration.ofSeconds(30)));
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
