package io.holmes.internal.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One chunk of a JDK Flight Recorder file, read at the level of its records, and the types its metadata declares.
 *
 * <p>A chunk begins with a 68-byte header: the magic {@code FLR\0}, the version, the chunk's size, where its
 * constant pools and metadata are, its start in epoch nanoseconds and in ticks, ticks per second, and a features
 * word whose lowest bit says integers are compressed. Records follow, each beginning with its size and type id:
 * type 0 is the metadata, type 1 a checkpoint of constant pools, the others events. Integers are compressed (seven
 * bits a byte), floating-point numbers are raw big-endian. The metadata is a string table and a tree of elements,
 * each a name, attributes and children; the {@code class} elements declare the types, their {@code field} children
 * the fields in the order the values are written.
 */
final class JfrChunk {

    static final int HEADER_SIZE = 68;
    static final long METADATA = 0;
    static final long CHECKPOINT = 1;
    private static final int MAGIC = 0x464c5200; // "FLR\0"
    private static final int FEATURE_COMPRESSED_INTEGERS = 1;
    /** How deep a reader follows nested metadata elements or values before it calls the file damaged. */
    static final int MAX_DEPTH = 32;

    /** A field of a type: its name, its type's id, whether it refers into a constant pool, whether an array. */
    record Field(String name, long type, boolean constantPool, boolean array) {
    }

    /** A type the metadata declares: its name and fields; primitives and strings have none. */
    record Type(long id, String name, List<Field> fields) {

        /** The index of the field named {@code name}, or -1. */
        int index(String name) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final ByteBuffer chunk;
    /** The metadata's string table and elements: the bytes that declare {@link #types}. */
    private final ByteBuffer declarations;
    private final Map<Long, Type> types;
    private final Map<String, Type> typesByName;

    private JfrChunk(ByteBuffer chunk, ByteBuffer declarations, Map<Long, Type> types,
                     Map<String, Type> typesByName) {
        this.chunk = chunk;
        this.declarations = declarations;
        this.types = types;
        this.typesByName = typesByName;
    }

    /** The size of the chunk that begins at {@code offset} of {@code file}, checked against the file's end. */
    static int size(ByteBuffer file, int offset, String name) throws IOException {
        if (file.limit() - offset < HEADER_SIZE || file.getInt(offset) != MAGIC) {
            throw new IOException(name + " has no chunk header at byte " + offset);
        }
        long size = file.getLong(offset + 8);
        if (size < HEADER_SIZE || size > file.limit() - offset) {
            throw new IOException(name + " has a chunk of " + size + " bytes at byte " + offset
                    + ", beyond the file's end");
        }
        if ((file.getInt(offset + 64) & FEATURE_COMPRESSED_INTEGERS) == 0) {
            throw new IOException(name + " has a chunk without compressed integers at byte " + offset);
        }
        return (int) size;
    }

    /**
     * Reads the metadata of {@code chunk}, a buffer holding exactly one chunk (see {@link #size}), or takes the types
     * of {@code previous} (a chunk read before, or null) when its metadata declares them with the same bytes. Flight Recorder repeats its whole metadata, about 100 KB, in
     * every chunk, and a recording's chunks nearly always declare the same types: comparing the bytes costs a small
     * fraction of parsing them.
     */
    static JfrChunk read(ByteBuffer chunk, String name, JfrChunk previous) throws IOException {
        ByteBuffer in = chunk.duplicate();
        int start = (int) chunk.getLong(24);
        in.position(start);
        long size = varlong(in);
        if (varlong(in) != METADATA) {
            throw new IOException(name + " has no metadata where its chunk header says");
        }
        varlong(in); // start time
        varlong(in); // duration
        varlong(in); // metadata id
        if (size <= in.position() - start || size > in.limit() - start) {
            throw new IOException(name + " has metadata of " + size + " bytes at byte " + start + " of a chunk");
        }
        ByteBuffer declarations = in.slice(in.position(), (int) (start + size - in.position()));
        if (previous != null && previous.declarations.equals(declarations)) {
            return new JfrChunk(chunk, declarations, previous.types, previous.typesByName);
        }
        String[] strings = new String[count(in)];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = string(in);
        }
        Map<Long, Type> types = new HashMap<>();
        element(in, strings, types, 0);
        Map<String, Type> typesByName = new HashMap<>();
        types.values().forEach(t -> typesByName.put(t.name(), t));
        return new JfrChunk(chunk, declarations, Map.copyOf(types), Map.copyOf(typesByName));
    }

    /**
     * Reads one element and its children, adding each {@code class} element to {@code types}. Flight Recorder nests
     * its metadata four levels deep; a damaged file that nests deeper is refused before it exhausts the stack.
     */
    private static void element(ByteBuffer in, String[] strings, Map<Long, Type> types, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("metadata nested deeper than " + MAX_DEPTH + " levels");
        }
        String element = strings[(int) varlong(in)];
        Map<String, String> attributes = attributes(in, strings);
        int children = count(in);
        if (!element.equals("class")) {
            for (int i = 0; i < children; i++) {
                element(in, strings, types, depth + 1);
            }
            return;
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            int child = in.position();
            String childElement = strings[(int) varlong(in)];
            if (childElement.equals("field")) {
                Map<String, String> field = attributes(in, strings);
                fields.add(new Field(field.get("name"), Long.parseLong(field.get("class")),
                        "true".equals(field.get("constantPool")), "1".equals(field.get("dimension"))));
            }
            in.position(child);
            element(in, strings, types, depth + 1); // the field's own children (annotations) are skipped this way
        }
        long id = Long.parseLong(attributes.get("id"));
        types.put(id, new Type(id, attributes.get("name"), List.copyOf(fields)));
    }

    private static Map<String, String> attributes(ByteBuffer in, String[] strings) {
        int count = count(in);
        Map<String, String> attributes = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String key = strings[(int) varlong(in)];
            attributes.put(key, strings[(int) varlong(in)]);
        }
        return attributes;
    }

    /** The type named {@code name}, or {@code null} when this chunk does not declare it. */
    Type type(String name) {
        return typesByName.get(name);
    }

    /** The type of id {@code id}, or {@code null}. */
    Type type(long id) {
        return types.get(id);
    }

    /** The chunk's bytes, positioned nowhere in particular: readers duplicate it. */
    ByteBuffer buffer() {
        return chunk.duplicate();
    }

    /** What {@link #records} hands each record. */
    interface RecordVisitor {
        /** One record of type {@code type}; {@code body} is positioned after the type id, and may be left anywhere. */
        void record(long type, ByteBuffer body) throws IOException;
    }

    /** Walks the chunk's records in order by their sizes ({@code name} names the file in errors). */
    void records(String name, RecordVisitor visitor) throws IOException {
        ByteBuffer in = buffer();
        int position = HEADER_SIZE;
        while (position < in.limit()) {
            in.position(position);
            long size = varlong(in);
            if (size <= 0 || size > in.limit() - position) {
                throw new IOException(name + " has a record of " + size + " bytes at byte " + position + " of a chunk");
            }
            visitor.record(varlong(in), in);
            position += (int) size;
        }
    }

    /** Epoch nanoseconds of {@code ticks}, by this chunk's header. */
    long nanos(long ticks) {
        return chunk.getLong(32) + (long) ((ticks - chunk.getLong(48)) / ticksPerNano());
    }

    /** Nanoseconds of a span of {@code ticks}. */
    long spanNanos(long ticks) {
        return (long) (ticks / ticksPerNano());
    }

    private double ticksPerNano() {
        return chunk.getLong(56) / 1e9;
    }

    /** A string as Flight Recorder encodes it: a tag (null, empty, pool reference, UTF-8, chars, Latin-1) and data. */
    static String string(ByteBuffer in) {
        byte encoding = in.get();
        switch (encoding) {
            case 0:
                return null;
            case 1:
                return "";
            case 2:
                throw new IllegalArgumentException("a string from a constant pool where one is written in place");
            case 3, 5: {
                byte[] bytes = new byte[count(in)];
                in.get(bytes);
                return new String(bytes, encoding == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            case 4: {
                char[] chars = new char[count(in)];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) varlong(in);
                }
                return new String(chars);
            }
            default:
                throw new IllegalArgumentException("string encoding " + encoding);
        }
    }

    /**
     * A count of things that follow, each at least one byte: refused (as {@link IllegalArgumentException}) when it
     * is negative or more than the bytes left, so that a damaged file cannot make a reader allocate without bound.
     */
    static int count(ByteBuffer in) {
        long count = varlong(in);
        if (count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException("a count of " + count + " with " + in.remaining() + " bytes left");
        }
        return (int) count;
    }

    /**
     * Relinks, in place, the constant pools of every chunk of {@code file} (a whole recording) so that a reader skips
     * the checkpoints dated before their chunk began; returns how many it skips. Those are what Flight Recorder's
     * old-object sampler carries into every chunk: for each moment at which a sampled object still alive was
     * allocated, the stack traces and classes of that moment, so that the sample can be resolved whenever it is
     * written. With objects that live for minutes they were 45 checkpoints, 470 KB, in every chunk of a look-back
     * window of the paired harness, against about 40 KB of the chunk's own. Only old-object samples refer to them;
     * a reader of the other events parses them for nothing.
     *
     * <p>A chunk's header points at its newest checkpoint, and each checkpoint at the one before it by a distance
     * ({@code delta}, 0 for the first). Flight Recorder writes a backward distance in nine bytes, as any negative
     * number is compressed, so a kept checkpoint can be pointed further back, or at nothing, in place; the records
     * stay where they are, and a reader that walks the chunk's events skips checkpoints by their size anyway. A chunk
     * whose chain looks any different from that is left as it is.
     */
    static int skipCarriedOverCheckpoints(ByteBuffer file, String name) throws IOException {
        int skipped = 0;
        for (int offset = 0; offset < file.limit(); ) {
            int size = size(file, offset, name);
            skipped += skipCarriedOverCheckpoints(file.slice(offset, size));
            offset += size;
        }
        return skipped;
    }

    private static int skipCarriedOverCheckpoints(ByteBuffer chunk) {
        long chunkStart = chunk.getLong(48);
        List<int[]> kept = new ArrayList<>(); // the checkpoint's position, and its delta's position and length
        int total = 0;
        try {
            long position = chunk.getLong(16);
            while (true) {
                if (position < HEADER_SIZE || position >= chunk.limit() || ++total > chunk.limit() / 8) {
                    return 0;
                }
                ByteBuffer in = chunk.duplicate().position((int) position);
                varlong(in); // size
                if (varlong(in) != CHECKPOINT) {
                    return 0;
                }
                long start = varlong(in);
                varlong(in); // duration
                int deltaAt = in.position();
                long delta = varlong(in);
                if (start >= chunkStart) {
                    kept.add(new int[] {(int) position, deltaAt, in.position() - deltaAt});
                }
                if (delta == 0) {
                    break;
                }
                if (delta > 0) {
                    return 0; // a chain that runs forward is not one Flight Recorder wrote
                }
                position += delta;
            }
        } catch (RuntimeException e) {
            return 0; // a damaged chain: the reader will say so itself
        }
        if (kept.isEmpty() || kept.size() == total) {
            return 0;
        }
        for (int i = 0; i < kept.size(); i++) {
            int[] checkpoint = kept.get(i);
            long delta = i + 1 < kept.size() ? kept.get(i + 1)[0] - checkpoint[0] : 0;
            if (checkpoint[2] != 9 && delta != 0) {
                return 0; // only the first checkpoint has a short distance, and it points nowhere
            }
        }
        chunk.putLong(16, kept.get(0)[0]);
        for (int i = 0; i < kept.size(); i++) {
            int[] checkpoint = kept.get(i);
            long delta = i + 1 < kept.size() ? kept.get(i + 1)[0] - checkpoint[0] : 0;
            putVarlong(chunk, checkpoint[1], checkpoint[2], delta);
        }
        return total - kept.size();
    }

    /** Writes {@code value} compressed into exactly {@code length} bytes at {@code at}, padded as readers allow. */
    private static void putVarlong(ByteBuffer chunk, int at, int length, long value) {
        long rest = value;
        for (int i = 0; i < length - 1; i++) {
            chunk.put(at + i, (byte) (rest & 0x7f | 0x80));
            rest >>>= 7;
        }
        chunk.put(at + length - 1, (byte) (length == 9 ? rest : rest & 0x7f));
    }

    /** A compressed integer: seven bits a byte, low bits first, the eighth bit set on all but the last; nine at most. */
    static long varlong(ByteBuffer in) {
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
}
