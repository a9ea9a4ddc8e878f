package io.holmes.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import one.proto.Proto;

/**
 * Encodes Flight Recorder's {@code jdk.OldObjectSample} events (sampled objects still alive, with the stack that
 * allocated them) as a pprof profile: one sample per object, its stack the allocation stack with the object's class
 * as the leaf frame (as async-profiler draws allocations), valued {@code objects/count} and, where the JVM records
 * object sizes (JDK 20 and later), {@code space/bytes}. async-profiler's converter does not read these events, so
 * Holmes writes the profile with the converter's own encoder ({@code one.proto.Proto}), as {@link ThreadProfile}
 * does.
 */
final class LiveObjectsProfile {

    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_LOCATION = 4;
    private static final int PROFILE_FUNCTION = 5;
    private static final int PROFILE_STRING_TABLE = 6;
    private static final int PROFILE_TIME_NANOS = 9;
    private static final int PROFILE_PERIOD_TYPE = 11;
    private static final int PROFILE_PERIOD = 12;
    private static final int PROFILE_COMMENT = 13;
    private static final int PROFILE_DEFAULT_SAMPLE_TYPE = 14;
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    private static final int SAMPLE_LABEL = 3;
    private static final int LABEL_KEY = 1;
    private static final int LABEL_NUM = 3;
    private static final int LABEL_NUM_UNIT = 4;
    private static final int LOCATION_ID = 1;
    private static final int LOCATION_LINE = 4;
    private static final int LINE_FUNCTION_ID = 1;
    private static final int LINE_LINE = 2;
    private static final int FUNCTION_ID = 1;
    private static final int FUNCTION_NAME = 2;
    private static final int FUNCTION_SYSTEM_NAME = 3;

    static final String OLD_OBJECT_SAMPLE = "jdk.OldObjectSample";

    private final Map<String, Integer> strings = new HashMap<>();
    private final List<String> stringTable = new ArrayList<>();
    private final Map<String, Long> functionIds = new HashMap<>();
    private final Map<String, Long> locationIds = new HashMap<>();
    private final List<Proto> functions = new ArrayList<>();
    private final List<Proto> locations = new ArrayList<>();

    private LiveObjectsProfile() {
        string("");
    }

    /** The profile's protobuf bytes (not compressed) for {@code samples}, taken at {@code time}. */
    static byte[] encode(List<RecordedEvent> samples, Instant time) {
        return new LiveObjectsProfile().build(samples, time);
    }

    private byte[] build(List<RecordedEvent> samples, Instant time) {
        boolean sizes = !samples.isEmpty() && samples.get(0).hasField("objectSize");
        Proto profile = new Proto(64 * 1024);
        profile.field(PROFILE_SAMPLE_TYPE, valueType("objects", "count"));
        if (sizes) {
            profile.field(PROFILE_SAMPLE_TYPE, valueType("space", "bytes"));
        }
        int ageKey = string("age");
        int millis = string("milliseconds");
        for (RecordedEvent event : samples) {
            Proto sample = new Proto(256);
            sample.field(SAMPLE_LOCATION_ID, location(className(event), 0));
            if (event.getStackTrace() != null) {
                for (RecordedFrame frame : event.getStackTrace().getFrames()) { // leaf first, as pprof expects
                    String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                    sample.field(SAMPLE_LOCATION_ID, location(name, Math.max(frame.getLineNumber(), 0)));
                }
            }
            sample.field(SAMPLE_VALUE, 1L);
            if (sizes) {
                sample.field(SAMPLE_VALUE, Math.max(event.getLong("objectSize"), 0L));
            }
            if (event.hasField("objectAge")) {
                sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, ageKey)
                        .field(LABEL_NUM, event.getDuration("objectAge").toMillis()).field(LABEL_NUM_UNIT, millis));
            }
            profile.field(PROFILE_SAMPLE, sample);
        }
        for (Proto location : locations) {
            profile.field(PROFILE_LOCATION, location);
        }
        for (Proto function : functions) {
            profile.field(PROFILE_FUNCTION, function);
        }
        profile.field(PROFILE_TIME_NANOS, time.getEpochSecond() * 1_000_000_000L + time.getNano());
        profile.field(PROFILE_PERIOD_TYPE, valueType("objects", "count"));
        profile.field(PROFILE_PERIOD, 1L);
        profile.field(PROFILE_COMMENT, string("Holmes look-back: sampled objects alive at the trigger, by allocation site"));
        profile.field(PROFILE_DEFAULT_SAMPLE_TYPE, (long) string(sizes ? "space" : "objects"));
        for (String s : stringTable) {
            profile.field(PROFILE_STRING_TABLE, s);
        }
        byte[] bytes = new byte[profile.size()];
        System.arraycopy(profile.buffer(), 0, bytes, 0, bytes.length);
        return bytes;
    }

    private static String className(RecordedEvent event) {
        RecordedObject object = event.hasField("object") ? event.getValue("object") : null;
        if (object != null && object.hasField("type")) {
            RecordedClass type = object.getClass("type");
            if (type != null) {
                return type.getName();
            }
        }
        return "[unknown class]";
    }

    private Proto valueType(String type, String unit) {
        return new Proto(16).field(VALUE_TYPE_TYPE, string(type)).field(VALUE_TYPE_UNIT, string(unit));
    }

    private long location(String function, int line) {
        String key = function + '\0' + line;
        Long id = locationIds.get(key);
        if (id != null) {
            return id;
        }
        long newId = locationIds.size() + 1L;
        locationIds.put(key, newId);
        Proto lineProto = new Proto(16).field(LINE_FUNCTION_ID, function(function)).field(LINE_LINE, (long) line);
        locations.add(new Proto(32).field(LOCATION_ID, newId).field(LOCATION_LINE, lineProto));
        return newId;
    }

    private long function(String name) {
        Long id = functionIds.get(name);
        if (id != null) {
            return id;
        }
        long newId = functionIds.size() + 1L;
        functionIds.put(name, newId);
        int nameIndex = string(name);
        functions.add(new Proto(32).field(FUNCTION_ID, newId).field(FUNCTION_NAME, nameIndex)
                .field(FUNCTION_SYSTEM_NAME, nameIndex));
        return newId;
    }

    private int string(String s) {
        Integer index = strings.get(s);
        if (index == null) {
            index = stringTable.size();
            strings.put(s, index);
            stringTable.add(s);
        }
        return index;
    }
}
