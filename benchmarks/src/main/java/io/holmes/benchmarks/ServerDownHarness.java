package io.holmes.benchmarks;

import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.reporters.PyroscopeReporter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a Pyroscope server that is down costs the host. Holmes ticks every 100 ms and takes a thread dump every
 * 250 ms (far more events than production would see), all pushed to a server that refuses connections
 * ({@code refused}) or accepts them and never answers ({@code silent}). Every five seconds it prints the ticks
 * taken against the ticks due, the reporter's queue and counters, Holmes' own threads and the heap after a GC;
 * at the end, how long {@code close()} took.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.ServerDownHarness [seconds]
 * [refused|silent]}
 */
public final class ServerDownHarness {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private ServerDownHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        String mode = args.length > 1 ? args[1] : "refused";
        List<Socket> held = new ArrayList<>();
        ServerSocket silent = null;
        int port;
        if (mode.equals("silent")) {
            silent = new ServerSocket(0, 1000);
            port = silent.getLocalPort();
            ServerSocket accepting = silent;
            Thread acceptor = new Thread(() -> acceptAndIgnore(accepting, held), "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        } else {
            try (ServerSocket closed = new ServerSocket(0)) {
                port = closed.getLocalPort();
            }
        }
        Path dumps = Files.createTempDirectory("holmes-server-down");
        PyroscopeReporter pyroscope = PyroscopeReporter.builder("http://127.0.0.1:" + port, "server-down")
                .timeout(TIMEOUT).maxRetries(3).queueCapacity(16).build();
        Holmes holmes = Holmes.builder()
                .collectInterval(INTERVAL)
                .dumpPath(dumps)
                .dumpBudget(50, 64L * 1024 * 1024)
                .reporter(pyroscope)
                .build()
                .start();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> holmes.dump(DumpType.THREAD), 0, 250, TimeUnit.MILLISECONDS);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("server %s on port %d, %d s, collect interval %d ms, a thread dump every 250 ms%n",
                mode, port, seconds, INTERVAL.toMillis());
        System.out.printf("%6s %7s %7s %7s %8s %8s %8s %9s %8s %11s%n", "t(s)", "ticks", "due", "queued",
                "dropped", "failed", "retried", "delivered", "threads", "heap(MiB)");
        long started = System.nanoTime();
        long ticksAtStart = holmes.ticks();
        for (int t = 5; t <= seconds; t += 5) {
            Thread.sleep(Math.max(0, started + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()) / 1_000_000);
            System.gc();
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("%6d %7d %7d %7d %8d %8d %8d %9d %8d %11.1f%n", t, holmes.ticks() - ticksAtStart,
                    elapsedMillis / INTERVAL.toMillis(), pyroscope.queuedUploads(), pyroscope.droppedUploads(),
                    pyroscope.failedUploads(), pyroscope.retriedUploads(), pyroscope.deliveredUploads(),
                    holmesThreads(), memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024));
        }
        load.shutdownNow();
        long closing = System.nanoTime();
        holmes.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        System.out.printf("close() took %d ms (reporter timeout %d ms); Holmes threads left: %d; events on disk: %d"
                        + " (%d KiB)%n", closeMillis, TIMEOUT.toMillis(), holmesThreads(),
                countEvents(dumps), holmes.bytesOnDisk() / 1024);
        if (silent != null) {
            silent.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    private static void acceptAndIgnore(ServerSocket server, List<Socket> held) {
        try {
            while (true) {
                Socket s = server.accept();
                synchronized (held) {
                    held.add(s);
                }
            }
        } catch (IOException closed) {
            // the harness is over
        }
    }

    private static long holmesThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("holmes-")).count();
    }

    private static long countEvents(Path dumps) throws IOException {
        try (var files = Files.list(dumps)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }
}
