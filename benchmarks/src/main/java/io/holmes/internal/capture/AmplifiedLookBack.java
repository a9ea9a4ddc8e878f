package io.holmes.internal.capture;

import io.holmes.internal.profiler.JfrSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * For the paired harness: the look-back recording with its sample rates multiplied ({@link
 * LookBackRecorder#newRecording(Duration, int)}), started and stopped as the recorder does it (the same private
 * repository, prepared under the same lock), but by the caller, so that its start and stop stay outside the
 * measured block. A multiplier of 1 is the production recording.
 */
public final class AmplifiedLookBack {

    private final PrivateRepository repository;
    private final Recording recording;

    private AmplifiedLookBack(PrivateRepository repository, Recording recording) {
        this.repository = repository;
        this.recording = recording;
    }

    /** Starts the recording of {@code lookBack} with both sample rates multiplied by {@code rateMultiplier}. */
    public static AmplifiedLookBack start(Duration lookBack, int rateMultiplier) {
        synchronized (JfrSession.REPOSITORY_LOCK) {
            PrivateRepository repository = PrivateRepository.prepare();
            Recording recording = LookBackRecorder.newRecording(lookBack, rateMultiplier);
            recording.start();
            return new AmplifiedLookBack(repository, recording);
        }
    }

    /**
     * Stops the recording, writes what it recorded to {@code file} when that is not {@code null}, discards it and
     * gives the repository back.
     */
    public void stop(Path file) throws IOException {
        try {
            recording.stop();
            if (file != null) {
                recording.dump(file);
            }
        } finally {
            recording.close();
            repository.release();
        }
    }

    /** Events of each type in {@code jfr} that began in {@code [from, to)}. */
    public static Map<String, Long> count(Path jfr, Instant from, Instant to) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                Instant start = event.getStartTime();
                if (!start.isBefore(from) && start.isBefore(to)) {
                    counts.merge(event.getEventType().getName(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }
}
