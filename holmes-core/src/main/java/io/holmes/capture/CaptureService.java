package io.holmes.capture;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.internal.DaemonThreads;
import io.holmes.internal.HostInfo;
import io.holmes.internal.OnceLogger;
import io.holmes.write.DumpDirectory;
import io.holmes.write.PendingEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs captures on one named daemon thread, one at a time, behind a small bounded queue: a request that
 * finds the queue full fails at once instead of piling up. Each capture reserves its file stamp, lets
 * its {@link Capturer} write the files, has the {@link DumpDirectory} write the event JSON and hold the
 * budget, completes the request's future, and only then hands the event on to the reporters. A capture
 * that fails leaves no file behind and fails its future; the thread goes on with the next one.
 */
public final class CaptureService {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);

    private final Map<DumpType, Capturer> capturers;
    private final DumpDirectory directory;
    private final Consumer<DumpEvent> onEvent;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final OnceLogger warnings = new OnceLogger(LOG);

    /**
     * @param capturers     one per type that can be captured
     * @param directory     where files go
     * @param onEvent       receives each complete event (the reporter queue); must not block
     * @param clock         wall time of events
     * @param queueCapacity how many captures may wait behind the running one
     */
    public CaptureService(Map<DumpType, Capturer> capturers, DumpDirectory directory, Consumer<DumpEvent> onEvent,
                          Clock clock, int queueCapacity) {
        this.capturers = new EnumMap<>(capturers);
        this.directory = directory;
        this.onEvent = onEvent;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), new DaemonThreads("holmes-capture"));
    }

    /** Queues a capture; never blocks. The request's future fails if the queue is full or the service stopped. */
    public void submit(CaptureRequest request) {
        try {
            executor.execute(new Job(request));
        } catch (RejectedExecutionException e) {
            String why = executor.isShutdown() ? "Holmes is stopping" : "the capture queue is full";
            warnings.warn("rejected", "Holmes skipped a {} capture ({}): {}", request.type(), request.reason(), why);
            request.result().completeExceptionally(new RejectedExecutionException(
                    "Holmes skipped a " + request.type() + " capture: " + why));
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
                ((Job) job).request.result().completeExceptionally(new CancellationException("Holmes stopped"));
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

    private void run(CaptureRequest request) {
        Capturer capturer = capturers.get(request.type());
        if (capturer == null) {
            fail(request, new IllegalStateException("no capturer is available for " + request.type() + " captures"));
            return;
        }
        PendingEvent pending = null;
        try {
            pending = directory.begin(request.type());
            HostInfo host = HostInfo.get();
            DumpEvent.Builder event = DumpEvent.builder()
                    .id(UUID.randomUUID().toString())
                    .type(request.type())
                    .reason(request.reason())
                    .rule(request.rule())
                    .current(request.current())
                    .average(request.average())
                    .window(request.window())
                    .start(clock.instant())
                    .host(host.host())
                    .pid(host.pid())
                    .jvm(host.jvm());
            capturer.capture(request, pending, event);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("Holmes stopped during the capture");
            }
            DumpEvent done = event.files(pending.files()).addFile(pending.path("json")).end(clock.instant()).build();
            directory.report(done);
            warnings.clear("failed-" + request.type());
            LOG.info("Holmes captured {} ({}: current {}, average {}) in {} ms: {}", done.type(), done.reason(),
                    done.current(), done.average(), done.duration().toMillis(), done.files());
            request.result().complete(done);
            onEvent.accept(done);
        } catch (Throwable e) {
            if (pending != null) {
                pending.abort();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            fail(request, e);
        }
    }

    private void fail(CaptureRequest request, Throwable e) {
        warnings.warn("failed-" + request.type(), "Holmes could not capture {} ({}): {}", request.type(),
                request.reason(), e.toString());
        request.result().completeExceptionally(e);
    }

    private final class Job implements Runnable {
        final CaptureRequest request;

        Job(CaptureRequest request) {
            this.request = request;
        }

        @Override
        public void run() {
            try {
                CaptureService.this.run(request);
            } catch (Throwable unexpected) {
                request.result().completeExceptionally(unexpected);
            }
        }
    }
}
