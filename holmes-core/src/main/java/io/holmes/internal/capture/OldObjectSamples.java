package io.holmes.internal.capture;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flight Recorder's old-object samples ({@code jdk.OldObjectSample}: a sampled object still alive, its class and the
 * stack that allocated it), decoded from a chunk's records and constant pools without the JDK's reader.
 *
 * <p>The JDK's reader was the last one a look-back window used, for these samples alone, and the JIT compiled its
 * metadata parser during events (one C2 compilation of 300–360 ms per JVM). async-profiler's reader cannot stand in:
 * it skips the constant pool of {@code jdk.types.OldObject}, where the object's class is. This decoder reads every
 * value by the types the chunk's metadata declares ({@link JfrChunk}): primitives, strings, references into constant
 * pools, arrays and nested structures, and keeps the pools to resolve the samples' object, class, stack and methods.
 * Names come out as the JDK's reader gives them: a class {@code java.lang.String} or {@code [B}, a frame
 * {@code Class.method}.
 */
final class OldObjectSamples {

    static final String EVENT = "jdk.OldObjectSample";

    /**
     * A sampled object.
     *
     * @param className its class, {@code [unknown class]} when the recording does not say
     * @param frames    the allocating stack, leaf first
     * @param bytes     its size where the JVM records it (JDK 20 and later), else {@code null}
     * @param ageNanos  how long it had been alive where the JVM records it, else {@code null}
     */
    record Sample(String className, List<Frame> frames, Long bytes, Long ageNanos) {
    }

    /** A frame of an allocating stack: {@code Class.method} and the line number. */
    record Frame(String method, int line) {
    }

    /** A reference into the constant pool of a type. */
    private record Ref(long type, long key) {
    }

    /** A value of a type with fields, in the metadata's order. */
    private record Struct(JfrChunk.Type type, Object[] values) {
        Object get(String field) {
            int index = type.index(field);
            return index < 0 ? null : values[index];
        }
    }

    private final JfrChunk chunk;
    private final Map<Long, Map<Long, Object>> pools = new HashMap<>();

    private OldObjectSamples(JfrChunk chunk) {
        this.chunk = chunk;
    }

    /** The samples in {@code chunks} that began at or after {@code since}. */
    static List<Sample> read(List<JfrChunk> chunks, Instant since, String name) throws IOException {
        long sinceNanos = EventTimes.nanos(since);
        List<Sample> samples = new ArrayList<>();
        try {
            for (JfrChunk chunk : chunks) {
                JfrConversions.checkInterrupted();
                new OldObjectSamples(chunk).readChunk(sinceNanos, samples, name);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException
                 | ClassCastException | NullPointerException e) {
            throw new IOException(name + ": could not decode the old-object samples: " + e, e);
        }
        return samples;
    }

    private void readChunk(long since, List<Sample> samples, String name) throws IOException {
        JfrChunk.Type event = chunk.type(EVENT);
        if (event == null) {
            return;
        }
        List<Struct> events = new ArrayList<>();
        chunk.records(name, (type, body) -> {
            if (type == JfrChunk.CHECKPOINT) {
                readCheckpoint(body, name);
            } else if (type == event.id()) {
                events.add((Struct) value(body, event, 0));
            }
        });
        for (Struct sample : events) {
            if (chunk.nanos((Long) sample.get("startTime")) >= since) {
                samples.add(resolve(sample));
            }
        }
    }

    /** A checkpoint: start time, duration, delta to the previous one, a flags byte, then the pools. */
    private void readCheckpoint(ByteBuffer in, String name) throws IOException {
        JfrChunk.varlong(in); // start time
        JfrChunk.varlong(in); // duration
        JfrChunk.varlong(in); // delta
        in.get(); // kind of checkpoint
        int count = JfrChunk.count(in);
        for (int i = 0; i < count; i++) {
            long typeId = JfrChunk.varlong(in);
            JfrChunk.Type type = chunk.type(typeId);
            if (type == null) {
                throw new IOException(name + " has a constant pool of undeclared type " + typeId);
            }
            Map<Long, Object> pool = pools.computeIfAbsent(typeId, t -> new HashMap<>());
            int entries = JfrChunk.count(in);
            for (int j = 0; j < entries; j++) {
                long key = JfrChunk.varlong(in);
                pool.putIfAbsent(key, value(in, type, 0)); // as the JDK's reader, the first value of a key stays
            }
        }
    }

    /** A value of {@code type} written in place, {@code depth} structures deep (bounded: a damaged file may loop). */
    private Object value(ByteBuffer in, JfrChunk.Type type, int depth) {
        if (depth > JfrChunk.MAX_DEPTH) {
            throw new IllegalArgumentException(type.name() + " nested deeper than " + JfrChunk.MAX_DEPTH + " levels");
        }
        switch (type.name()) {
            case "boolean":
                return in.get() != 0;
            case "byte":
                return (long) in.get();
            case "char", "short", "int", "long":
                return JfrChunk.varlong(in);
            case "float":
                return (double) in.getFloat();
            case "double":
                return in.getDouble();
            case "java.lang.String":
                if (in.get(in.position()) == 2) { // a reference into the strings' pool
                    in.get();
                    return new Ref(type.id(), JfrChunk.varlong(in));
                }
                return JfrChunk.string(in);
            default:
                break;
        }
        if (type.fields().isEmpty()) {
            throw new IllegalArgumentException(type.name() + " has no fields and is not a primitive");
        }
        Object[] values = new Object[type.fields().size()];
        for (int i = 0; i < values.length; i++) {
            JfrChunk.Field field = type.fields().get(i);
            if (field.array()) {
                Object[] items = new Object[JfrChunk.count(in)];
                for (int j = 0; j < items.length; j++) {
                    items[j] = single(in, field, depth);
                }
                values[i] = items;
            } else {
                values[i] = single(in, field, depth);
            }
        }
        return new Struct(type, values);
    }

    private Object single(ByteBuffer in, JfrChunk.Field field, int depth) {
        if (field.constantPool()) {
            return new Ref(field.type(), JfrChunk.varlong(in));
        }
        JfrChunk.Type type = chunk.type(field.type());
        if (type == null) {
            throw new IllegalArgumentException(field.name() + " is of undeclared type " + field.type());
        }
        return value(in, type, depth + 1);
    }

    /** {@code value} itself, or what it refers to ({@code null} when the pool lacks it). */
    private Object deref(Object value) {
        if (value instanceof Ref ref) {
            Map<Long, Object> pool = pools.get(ref.type());
            return pool == null ? null : pool.get(ref.key());
        }
        return value;
    }

    private Sample resolve(Struct sample) {
        String className = "[unknown class]";
        if (deref(sample.get("object")) instanceof Struct object
                && deref(object.get("type")) instanceof Struct type) {
            String name = className(type);
            if (name != null) {
                className = name;
            }
        }
        List<Frame> frames = new ArrayList<>();
        if (deref(sample.get("stackTrace")) instanceof Struct trace && trace.get("frames") instanceof Object[] all) {
            for (Object item : all) {
                Struct frame = (Struct) item;
                Struct method = (Struct) deref(frame.get("method"));
                String type = method == null ? null : deref(method.get("type")) instanceof Struct c ? className(c) : null;
                String methodName = method == null ? null : symbol(method.get("name"));
                Object line = frame.get("lineNumber");
                frames.add(new Frame(type + "." + methodName, line == null ? 0 : (int) (long) (Long) line));
            }
        }
        Object size = sample.get("objectSize");
        Object age = sample.get("objectAge");
        return new Sample(className, frames, size == null ? null : (Long) size,
                age == null ? null : chunk.spanNanos((Long) age));
    }

    /** A class's name as the JDK's reader gives it: its symbol with {@code /} made {@code .}. */
    private String className(Struct type) {
        String name = symbol(type.get("name"));
        return name == null ? null : name.replace('/', '.');
    }

    /** The text of a symbol (a structure with one string field) or of a string, either possibly by reference. */
    private String symbol(Object value) {
        Object resolved = deref(value);
        if (resolved instanceof Struct symbol) {
            resolved = deref(symbol.get("string"));
        }
        return resolved instanceof String text ? text : null;
    }
}
