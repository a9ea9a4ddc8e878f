package io.holmes.internal.capture;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When each event of some types happened in a JDK Flight Recorder file, read from the events' headers without
 * decoding the events, and the chunks of the file that hold them (the whole file stays in memory with it).
 *
 * <p>A recording is a sequence of self-contained chunks ({@link JfrChunk}). For each, this reads the metadata for the
 * ids of the wanted types, then walks the chunk's records by their sizes and reads only the first field of each
 * wanted event, its start time in ticks.
 *
 * <p>Counting the look-back window this way costs a small fraction of a pass with the JDK's reader, whose parsing
 * of every chunk's metadata (about 100 KB each) and constant pools the JIT compiles afresh for the few passes an
 * event makes, and it keeps the types apart by name where async-profiler's reader folds several into one class (for
 * example {@code jdk.NativeMethodSample} into its execution samples).
 */
final class EventTimes {

    /** The start times (epoch nanoseconds) of one type's events and the index of the chunk that holds each. */
    private static final class Times {
        long[] nanos = new long[64];
        int[] chunks = new int[64];
        int size;

        void add(long at, int chunk) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
                chunks = Arrays.copyOf(chunks, size * 2);
            }
            nanos[size] = at;
            chunks[size++] = chunk;
        }
    }

    private final List<JfrChunk> chunks;
    private final Map<String, Times> times;

    private EventTimes(List<JfrChunk> chunks, Map<String, Times> times) {
        this.chunks = chunks;
        this.times = times;
    }

    /**
     * Reads the start times of the events named {@code types} in {@code jfr}.
     *
     * @throws IOException when the file cannot be read or is not a complete recording with compressed integers
     */
    static EventTimes read(Path jfr, Set<String> types) throws IOException {
        return read(Files.readAllBytes(jfr), jfr.getFileName().toString(), types);
    }

    /**
     * Reads the start times of the events named {@code types} in {@code bytes}, a whole recording named {@code name}
     * in errors; the chunks keep referring to {@code bytes}, which the caller must leave unchanged.
     */
    static EventTimes read(byte[] bytes, String name, Set<String> types) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(bytes);
        Map<String, Times> times = new HashMap<>();
        types.forEach(t -> times.put(t, new Times()));
        List<JfrChunk> chunks = new ArrayList<>();
        int offset = 0;
        try {
            while (offset < bytes.length) {
                JfrConversions.checkInterrupted();
                int size = JfrChunk.size(file, offset, name);
                JfrChunk chunk = JfrChunk.read(file.slice(offset, size), name,
                        chunks.isEmpty() ? null : chunks.get(chunks.size() - 1));
                readChunk(chunk, chunks.size(), times, name);
                chunks.add(chunk);
                offset += size;
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException
                 | NullPointerException e) {
            throw new IOException(name + " is not a complete Flight Recorder file: " + e, e);
        }
        return new EventTimes(chunks, times);
    }

    private static void readChunk(JfrChunk chunk, int index, Map<String, Times> times, String name)
            throws IOException {
        Map<Long, Times> wanted = new HashMap<>();
        for (Map.Entry<String, Times> type : times.entrySet()) {
            JfrChunk.Type declared = chunk.type(type.getKey());
            if (declared == null) {
                continue; // no such event in this chunk
            }
            if (declared.fields().isEmpty() || !declared.fields().get(0).name().equals("startTime")) {
                throw new IOException(name + ": " + type.getKey() + " does not begin with its start time");
            }
            wanted.put(declared.id(), type.getValue());
        }
        chunk.records(name, (type, body) -> {
            Times of = wanted.get(type); // never the metadata's or a checkpoint's type: those are 0 and 1
            if (of != null) {
                of.add(chunk.nanos(JfrChunk.varlong(body)), index);
            }
        });
    }

    /** Events of {@code type} that began in {@code [from, to]}, both ends included. */
    long count(String type, Instant from, Instant to) {
        return count(type, nanos(from), nanos(to));
    }

    private long count(String type, long from, long to) {
        Times of = times(type);
        long count = 0;
        for (int i = 0; i < of.size; i++) {
            if (of.nanos[i] >= from && of.nanos[i] <= to) {
                count++;
            }
        }
        return count;
    }

    private Times times(String type) {
        Times of = times.get(type);
        if (of == null) {
            throw new IllegalArgumentException(type + " was not read");
        }
        return of;
    }

    /**
     * The chunks that hold an event of {@code type} begun at or after {@code from}, in their order, their metadata
     * already read.
     */
    List<JfrChunk> chunksWith(String type, Instant from) {
        Times of = times(type);
        long since = nanos(from);
        boolean[] holding = new boolean[chunks.size()];
        for (int i = 0; i < of.size; i++) {
            if (of.nanos[i] >= since) {
                holding[of.chunks[i]] = true;
            }
        }
        List<JfrChunk> with = new ArrayList<>();
        for (int i = 0; i < holding.length; i++) {
            if (holding[i]) {
                with.add(chunks.get(i));
            }
        }
        return with;
    }

    /**
     * The newest chunk that holds an event of {@code type} begun at or after {@code from}, as a list of one, or an
     * empty list. For {@code jdk.OldObjectSample} that chunk holds the latest reading: Flight Recorder writes all the
     * sampled live objects at once whenever a recording that samples them stops (a dump or a copy stopped), at the
     * end of the chunk the stop ends, so every chunk holds at most one such batch and the newest batch is in the
     * newest chunk.
     */
    List<JfrChunk> newestChunkWith(String type, Instant from) {
        List<JfrChunk> with = chunksWith(type, from);
        return with.isEmpty() ? List.of() : List.of(with.get(with.size() - 1));
    }

    /** How many chunks the file has. */
    int chunks() {
        return chunks.size();
    }

    /** Epoch nanoseconds of {@code at}, saturated at the ends of {@code long} (about the years 1677 and 2262). */
    static long nanos(Instant at) {
        long seconds = at.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + at.getNano();
    }
}
