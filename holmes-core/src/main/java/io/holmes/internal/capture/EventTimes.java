package io.holmes.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * decoding the events, and the chunks of the file that hold them.
 *
 * <p>A recording is a sequence of self-contained chunks. Each chunk begins with a 68-byte header (the magic
 * {@code FLR\0}, the version, the chunk's size, where its metadata is, its start in epoch nanoseconds and in ticks,
 * ticks per second, and a features word whose lowest bit says integers are compressed) and holds records that each
 * begin with their size and type id. Type 0 is the metadata, which names the chunk's types and their fields; type 1
 * is a constant pool; the others are events, whose first field is their start time in ticks. This reader parses the
 * metadata only as far as the class elements' names, ids and first field, then walks the records by their sizes.
 *
 * <p>Counting the look-back window this way costs a small fraction of a pass with the JDK's reader, whose parsing
 * of every chunk's metadata (about 100 KB each) and constant pools the JIT compiles afresh for the few passes an
 * event makes, and it keeps the types apart by name where async-profiler's reader folds several into one class (for
 * example {@code jdk.NativeMethodSample} into its execution samples).
 */
final class EventTimes {

    private static final int MAGIC = 0x464c5200; // "FLR\0"
    private static final int HEADER_SIZE = 68;
    private static final int FEATURE_COMPRESSED_INTEGERS = 1;
    private static final long METADATA = 0;
    private static final long CONSTANT_POOL = 1;

    /** A chunk of the file: its byte range. */
    private record Chunk(int offset, int size) {
    }

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

    private final byte[] file;
    private final List<Chunk> chunks;
    private final Map<String, Times> times;

    private EventTimes(byte[] file, List<Chunk> chunks, Map<String, Times> times) {
        this.file = file;
        this.chunks = chunks;
        this.times = times;
    }

    /**
     * Reads the start times of the events named {@code types} in {@code jfr}.
     *
     * @throws IOException when the file cannot be read or is not a complete recording with compressed integers
     */
    static EventTimes read(Path jfr, Set<String> types) throws IOException {
        byte[] bytes = Files.readAllBytes(jfr);
        ByteBuffer file = ByteBuffer.wrap(bytes);
        Map<String, Times> times = new HashMap<>();
        types.forEach(t -> times.put(t, new Times()));
        List<Chunk> chunks = new ArrayList<>();
        int offset = 0;
        try {
            while (offset < bytes.length) {
                JfrConversions.checkInterrupted();
                Chunk chunk = chunk(file, offset, jfr);
                readChunk(file.slice(offset, chunk.size()), chunks.size(), times, jfr);
                chunks.add(chunk);
                offset += chunk.size();
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException(jfr.getFileName() + " is not a complete Flight Recorder file: " + e, e);
        }
        return new EventTimes(bytes, chunks, times);
    }

    private static Chunk chunk(ByteBuffer file, int offset, Path jfr) throws IOException {
        if (file.limit() - offset < HEADER_SIZE || file.getInt(offset) != MAGIC) {
            throw new IOException(jfr.getFileName() + " has no chunk header at byte " + offset);
        }
        long size = file.getLong(offset + 8);
        if (size < HEADER_SIZE || size > file.limit() - offset) {
            throw new IOException(jfr.getFileName() + " has a chunk of " + size + " bytes at byte " + offset
                    + ", beyond the file's end");
        }
        if ((file.getInt(offset + 64) & FEATURE_COMPRESSED_INTEGERS) == 0) {
            throw new IOException(jfr.getFileName() + " has a chunk without compressed integers at byte " + offset);
        }
        return new Chunk(offset, (int) size);
    }

    private static void readChunk(ByteBuffer chunk, int index, Map<String, Times> times, Path jfr)
            throws IOException {
        long startNanos = chunk.getLong(32);
        long startTicks = chunk.getLong(48);
        double ticksPerNano = chunk.getLong(56) / 1e9;
        Map<Long, Times> wanted = typeIds(chunk, (int) chunk.getLong(24), times, jfr);
        int position = HEADER_SIZE;
        while (position < chunk.limit()) {
            chunk.position(position);
            long size = varlong(chunk);
            if (size <= 0 || size > chunk.limit() - position) {
                throw new IOException(jfr.getFileName() + " has a record of " + size + " bytes in chunk " + index);
            }
            long type = varlong(chunk);
            Times of = type == METADATA || type == CONSTANT_POOL ? null : wanted.get(type);
            if (of != null) {
                long ticks = varlong(chunk);
                of.add(startNanos + (long) ((ticks - startTicks) / ticksPerNano), index);
            }
            position += (int) size;
        }
    }

    /** The ids, in this chunk, of the types in {@code times}, from the chunk's metadata record. */
    private static Map<Long, Times> typeIds(ByteBuffer chunk, int metadata, Map<String, Times> times, Path jfr)
            throws IOException {
        chunk.position(metadata);
        varlong(chunk); // size
        if (varlong(chunk) != METADATA) {
            throw new IOException(jfr.getFileName() + " has no metadata where its chunk header says");
        }
        varlong(chunk); // start time
        varlong(chunk); // duration
        varlong(chunk); // metadata id
        String[] strings = new String[(int) varlong(chunk)];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = string(chunk);
        }
        Map<Long, Times> ids = new HashMap<>();
        element(chunk, strings, times, ids, jfr);
        return ids;
    }

    /**
     * Reads one element of the metadata tree and its children: a name, attributes as pairs of string indexes, and
     * child elements. A {@code class} element whose name is wanted adds its {@code id}; its first field must be the
     * start time.
     */
    private static void element(ByteBuffer in, String[] strings, Map<String, Times> times, Map<Long, Times> ids,
                                Path jfr) throws IOException {
        String name = strings[(int) varlong(in)];
        int attributes = (int) varlong(in);
        String className = null;
        String id = null;
        for (int i = 0; i < attributes; i++) {
            String key = strings[(int) varlong(in)];
            String value = strings[(int) varlong(in)];
            if (key.equals("name")) {
                className = value;
            } else if (key.equals("id")) {
                id = value;
            }
        }
        int children = (int) varlong(in);
        Times wanted = name.equals("class") && className != null ? times.get(className) : null;
        boolean fieldSeen = false;
        for (int i = 0; i < children; i++) {
            if (wanted != null && !fieldSeen) {
                int child = in.position();
                String field = fieldName(in, strings);
                if (field != null) {
                    fieldSeen = true;
                    if (!field.equals("startTime")) {
                        throw new IOException(jfr.getFileName() + ": " + className
                                + " does not begin with its start time");
                    }
                }
                in.position(child);
            }
            element(in, strings, times, ids, jfr);
        }
        if (wanted != null && id != null) {
            ids.put(Long.parseLong(id), wanted);
        }
    }

    /** The name of a {@code field} element (the class's settings and annotations come as other elements). */
    private static String fieldName(ByteBuffer in, String[] strings) {
        String element = strings[(int) varlong(in)];
        int attributes = (int) varlong(in);
        for (int i = 0; i < attributes; i++) {
            String key = strings[(int) varlong(in)];
            String value = strings[(int) varlong(in)];
            if (element.equals("field") && key.equals("name")) {
                return value;
            }
        }
        return null;
    }

    /** A string as Flight Recorder encodes it: a tag (null, empty, pool reference, UTF-8, chars, Latin-1) and data. */
    private static String string(ByteBuffer in) throws IOException {
        byte encoding = in.get();
        switch (encoding) {
            case 0:
                return null;
            case 1:
                return "";
            case 3, 5: {
                byte[] bytes = new byte[(int) varlong(in)];
                in.get(bytes);
                return new String(bytes, encoding == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            case 4: {
                char[] chars = new char[(int) varlong(in)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) varlong(in);
                }
                return new String(chars);
            }
            default:
                throw new IOException("unexpected string encoding " + encoding + " in the metadata");
        }
    }

    /** A compressed integer: seven bits a byte, low bits first, the eighth bit set on all but the last; nine at most. */
    private static long varlong(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 56; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        return value | (long) (in.get() & 0xff) << 56;
    }

    /** Events of {@code type} that began in {@code [from, to]}, both ends included. */
    long count(String type, Instant from, Instant to) {
        return count(type, nanos(from), nanos(to));
    }

    /** Events of {@code type} that began at or after {@code from}. */
    long countSince(String type, Instant from) {
        return count(type, nanos(from), Long.MAX_VALUE);
    }

    private long count(String type, long from, long to) {
        Times of = times.get(type);
        if (of == null) {
            throw new IllegalArgumentException(type + " was not read");
        }
        long count = 0;
        for (int i = 0; i < of.size; i++) {
            if (of.nanos[i] >= from && of.nanos[i] <= to) {
                count++;
            }
        }
        return count;
    }

    /**
     * Writes the chunks that hold an event of {@code type} begun at or after {@code from}, in their order: a
     * recording of its own, which the JDK's reader then parses without the other chunks.
     */
    void writeChunksWith(String type, Instant from, OutputStream out) throws IOException {
        Times of = times.get(type);
        long since = nanos(from);
        boolean[] holding = new boolean[chunks.size()];
        for (int i = 0; i < of.size; i++) {
            if (of.nanos[i] >= since) {
                holding[of.chunks[i]] = true;
            }
        }
        for (int i = 0; i < holding.length; i++) {
            if (holding[i]) {
                out.write(file, chunks.get(i).offset(), chunks.get(i).size());
            }
        }
    }

    /** How many chunks the file has. */
    int chunks() {
        return chunks.size();
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
