package io.holmes.internal.capture;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.internal.collect.ReadingLog;
import io.holmes.internal.DaemonThreads;
import io.holmes.internal.HostInfo;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.write.DumpDirectory;
import io.holmes.internal.write.PendingEvent;
import io.holmes.UntrustedDirectoryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs captures on one named daemon thread, one at a time, behind a small bounded queue: a request that
 * finds the queue full fails at once instead of piling up. Each capture reserves its file stamp, lets
 * its {@link Capturer} write the files, records the readings taken meanwhile, has the {@link DumpDirectory} write the event JSON and hold the
 * budget, completes the request's future, and only then hands the event on to the reporters. A capture
 * that fails leaves no file behind and fails its future; the thread goes on with the next one.
 *
 * <p>A floor holds whatever the rules say: a rule's capture of a type is skipped (its future fails) when the
 * previous capture of that type ended less than {@code floor} ago, so that rules set to fire on every reading
 * cannot keep the profiler running. Manual captures are neither limited nor counted: an operator asked for each,
 * and they wait one at a time behind the same small queue.
 */
public final class CaptureService {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);

    private final Map<DumpType, Capturer> capturers;
    private final DumpDirectory directory;
    private final ReadingLog readings;
    private final Consumer<DumpEvent> onEvent;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Duration floor;
    private final LongSupplier nanoTime;
    /** When the latest rule capture of each type ended, in {@link #nanoTime} time; touched by the capture thread only. */
    private final Map<DumpType, Long> lastEnded = new EnumMap<>(DumpType.class);
    private final LookBackCapture lookBack;
    private final OnceLogger warnings = new OnceLogger(LOG);

    /**
     * @param capturers     one per type that can be captured; types mapped to the same instance are captured
     *                      together when they are asked for together
     * @param directory     where files go
     * @param readings      the collector's recent readings, for what happened during a capture
     * @param onEvent       receives each complete event (the reporter queue); must not block
     * @param clock         wall time of events
     * @param queueCapacity how many captures may wait behind the running one
     * @param floor         the least time between the end of one capture of a type and a rule's next one
     * @param nanoTime      monotonic time for the floor
     */
    public CaptureService(Map<DumpType, Capturer> capturers, DumpDirectory directory, ReadingLog readings,
                          Consumer<DumpEvent> onEvent, Clock clock, int queueCapacity, Duration floor,
                          LongSupplier nanoTime) {
        this(capturers, directory, readings, onEvent, clock, queueCapacity, floor, nanoTime, LookBackCapture.OFF);
    }

    /**
     * As above, with {@code lookBack} writing each event's window before its trigger ahead of the forward capture.
     */
    public CaptureService(Map<DumpType, Capturer> capturers, DumpDirectory directory, ReadingLog readings,
                          Consumer<DumpEvent> onEvent, Clock clock, int queueCapacity, Duration floor,
                          LongSupplier nanoTime, LookBackCapture lookBack) {
        this.lookBack = lookBack;
        this.capturers = new EnumMap<>(capturers);
        this.directory = directory;
        this.readings = readings;
        this.onEvent = onEvent;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), new DaemonThreads("holmes-capture"));
        this.floor = floor;
        this.nanoTime = nanoTime;
    }

    /** Queues a capture; never blocks. The request's future fails if the queue is full or the service stopped. */
    public void submit(CaptureRequest request) {
        submitAll(List.of(request));
    }

    /**
     * Queues requests made at the same moment. Those served by the same {@link Capturer} (a CPU and a MEM
     * trigger of one tick) run as one capture; the others queue one by one. Never blocks.
     */
    public void submitAll(List<CaptureRequest> requests) {
        Map<Capturer, List<CaptureRequest>> groups = new LinkedHashMap<>();
        List<CaptureRequest> unserved = new ArrayList<>();
        for (CaptureRequest request : requests) {
            Capturer capturer = capturers.get(request.type());
            if (capturer == null) {
                unserved.add(request);
            } else {
                groups.computeIfAbsent(capturer, c -> new ArrayList<>()).add(request);
            }
        }
        for (CaptureRequest request : unserved) {
            fail(List.of(request), new IllegalStateException(
                    "no capturer is available for " + request.type() + " captures"));
        }
        for (Map.Entry<Capturer, List<CaptureRequest>> group : groups.entrySet()) {
            enqueue(group.getKey(), group.getValue());
        }
    }

    private void enqueue(Capturer capturer, List<CaptureRequest> group) {
        try {
            executor.execute(new Job(capturer, group));
        } catch (RejectedExecutionException e) {
            String why = executor.isShutdown() ? "Holmes is stopping" : "the capture queue is full";
            for (CaptureRequest request : group) {
                warnings.warn("rejected", "Holmes skipped a {} capture ({}): {}", request.type(), request.reason(), why);
                request.result().completeExceptionally(new RejectedExecutionException(
                        "Holmes skipped a " + request.type() + " capture: " + why));
            }
        }
    }

    /**
     * Stops taking captures, interrupts the running one, fails the queued ones, and waits up to
     * {@code timeout} for the capture thread to end.
     */
    public void shutdown(Duration timeout) {
        List<Runnable> queued = executor.shutdownNow();
        for (Runnable job : queued) {
            if (job instanceof Job) {
                for (CaptureRequest request : ((Job) job).group) {
                    request.result().completeExceptionally(new CancellationException("Holmes stopped"));
                }
            }
        }
        try {
            if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("Holmes' capture thread did not stop within {}; it is a daemon and will not keep the JVM alive",
                        timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Capturer capturer, List<CaptureRequest> requested) {
        List<CaptureRequest> group = admit(requested);
        if (group.isEmpty()) {
            return;
        }
        try {
            capture(capturer, group);
        } finally {
            long ended = nanoTime.getAsLong();
            for (CaptureRequest request : group) {
                if (request.reason() != Reason.MANUAL) {
                    lastEnded.put(request.type(), ended);
                }
            }
        }
    }

    /** The requests the floor lets through; the others fail at once. */
    private List<CaptureRequest> admit(List<CaptureRequest> requested) {
        List<CaptureRequest> admitted = new ArrayList<>(requested.size());
        long now = nanoTime.getAsLong();
        for (CaptureRequest request : requested) {
            Long ended = lastEnded.get(request.type());
            if (request.reason() == Reason.MANUAL || ended == null || now - ended >= floor.toNanos()) {
                admitted.add(request);
                continue;
            }
            warnings.warn("floor-" + request.type(), "Holmes skipped a {} capture ({}): at most one {} capture per {}"
                    + " is taken, whatever the rules say", request.type(), request.reason(), request.type(), floor);
            request.result().completeExceptionally(new RejectedExecutionException("Holmes skipped a " + request.type()
                    + " capture: the previous one ended less than " + floor + " ago"));
        }
        return admitted;
    }

    private void capture(Capturer capturer, List<CaptureRequest> group) {
        List<Capture> captures = new ArrayList<>(group.size());
        try {
            HostInfo host = HostInfo.get();
            for (CaptureRequest request : group) {
                PendingEvent pending = directory.begin(request.type());
                captures.add(new Capture(request, pending, DumpEvent.builder()
                        .id(UUID.randomUUID().toString())
                        .type(request.type())
                        .trigger(request.trigger())
                        .reason(request.reason())
                        .rule(request.rule())
                        .current(request.current())
                        .average(request.average())
                        .window(request.window())
                        .start(clock.instant())
                        .host(host.host())
                        .pid(host.pid())
                        .jvm(host.jvm())));
            }
            long mark = readings.mark();
            // The past first: the window ends at the trigger, and the forward capture takes samplingTime.
            lookBack.write(captures);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("Holmes stopped during the capture");
            }
            Instant forward = clock.instant();
            captures.forEach(c -> c.event().start(forward));
            capturer.capture(captures);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("Holmes stopped during the capture");
            }
            Instant end = clock.instant();
            List<DumpEvent> done = new ArrayList<>(captures.size());
            for (Capture capture : captures) {
                PendingEvent files = capture.files();
                files.discardScratch();
                DumpEvent event = capture.event()
                        .readingsDuring(readings.since(mark, capture.request().trigger()))
                        .files(files.files())
                        .addFile(files.path("json"))
                        .end(end)
                        .build();
                directory.report(event);
                done.add(event);
            }
            for (int i = 0; i < done.size(); i++) {
                DumpEvent event = done.get(i);
                warnings.clear("failed-" + event.type());
                LOG.info("Holmes captured {} for {} ({}: current {}, average {}) in {} ms: {}", event.type(),
                        event.trigger(), event.reason(), event.current(), event.average(), event.duration().toMillis(), event.files());
                // Reporters first: completing the future runs the caller's callbacks on this thread, and one of them
                // may stop Holmes.
                onEvent.accept(event);
                group.get(i).result().complete(event);
            }
        } catch (Throwable e) {
            for (Capture capture : captures) {
                capture.files().abort();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            fail(group, e);
        }
    }

    private void fail(List<CaptureRequest> group, Throwable e) {
        for (CaptureRequest request : group) {
            if (e instanceof UntrustedDirectoryException) {
                // The dump directory warned once already; a refusal repeats for every capture.
                LOG.debug("Holmes refused a {} capture ({}): {}", request.type(), request.reason(), e.getMessage());
                request.result().completeExceptionally(e);
                continue;
            }
            if (executor.isShutdown()) {
                LOG.info("Holmes abandoned a {} capture ({}) because it is stopping", request.type(), request.reason());
                request.result().completeExceptionally(e);
                continue;
            }
            warnings.warn("failed-" + request.type(), "Holmes could not capture {} ({}): {}", request.type(),
                    request.reason(), e.toString());
            request.result().completeExceptionally(e);
        }
    }

    private final class Job implements Runnable {
        final Capturer capturer;
        final List<CaptureRequest> group;

        Job(Capturer capturer, List<CaptureRequest> group) {
            this.capturer = capturer;
            this.group = group;
        }

        @Override
        public void run() {
            try {
                CaptureService.this.run(capturer, group);
            } catch (Throwable unexpected) {
                for (CaptureRequest request : group) {
                    request.result().completeExceptionally(unexpected);
                }
            }
        }
    }
}
