package io.holmes.internal.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.proto.Proto;

/**
 * Builds one pprof profile (the {@code perftools.profiles.Profile} message of {@code profile.proto}, what
 * {@code go tool pprof} reads) for the views async-profiler's converter does not write: thread dumps and sampled
 * live objects. It keeps the string table and gives each function and each (function, file, line) location one id;
 * the bytes are written with async-profiler's own encoder ({@code one.proto.Proto}, shipped in ap-loader).
 */
final class PprofWriter {

    // perftools.profiles.Profile
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
    // ValueType
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;
    // Sample
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    private static final int SAMPLE_LABEL = 3;
    // Label
    private static final int LABEL_KEY = 1;
    private static final int LABEL_STR = 2;
    private static final int LABEL_NUM = 3;
    private static final int LABEL_NUM_UNIT = 4;
    // Location and Line
    private static final int LOCATION_ID = 1;
    private static final int LOCATION_LINE = 4;
    private static final int LINE_FUNCTION_ID = 1;
    private static final int LINE_LINE = 2;
    // Function
    private static final int FUNCTION_ID = 1;
    private static final int FUNCTION_NAME = 2;
    private static final int FUNCTION_SYSTEM_NAME = 3;
    private static final int FUNCTION_FILENAME = 4;

    private final Map<String, Integer> strings = new HashMap<>();
    private final List<String> stringTable = new ArrayList<>();
    private final Map<String, Long> functionIds = new HashMap<>();
    private final Map<String, Long> locationIds = new HashMap<>();
    private final List<Proto> functions = new ArrayList<>();
    private final List<Proto> locations = new ArrayList<>();
    private final List<Proto> sampleTypes = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();

    PprofWriter() {
        string(""); // index 0 is the empty string, as profile.proto requires
    }

    /** Adds a value column to every sample, in the order the samples' values are given. */
    PprofWriter sampleType(String type, String unit) {
        sampleTypes.add(valueType(type, unit));
        return this;
    }

    /** A new sample, written with the profile; give its frames innermost first, then its values and labels. */
    Sample sample() {
        Sample sample = new Sample();
        samples.add(sample);
        return sample;
    }

    /**
     * The profile's protobuf bytes (not compressed).
     *
     * @param time              when the profile was taken, or {@code null}
     * @param periodType        the period's type and unit as {@code type/unit}, or {@code null} for none
     * @param period            the period, in {@code periodType}'s unit
     * @param comment           a line {@code go tool pprof} shows with the profile
     * @param defaultSampleType the sample type shown unless another is asked for
     */
    byte[] encode(Instant time, String periodType, long period, String comment, String defaultSampleType) {
        Proto profile = new Proto(64 * 1024);
        sampleTypes.forEach(t -> profile.field(PROFILE_SAMPLE_TYPE, t));
        samples.forEach(s -> profile.field(PROFILE_SAMPLE, s.proto));
        locations.forEach(l -> profile.field(PROFILE_LOCATION, l));
        functions.forEach(f -> profile.field(PROFILE_FUNCTION, f));
        if (time != null) {
            profile.field(PROFILE_TIME_NANOS, time.getEpochSecond() * 1_000_000_000L + time.getNano());
        }
        if (periodType != null) {
            int slash = periodType.indexOf('/');
            profile.field(PROFILE_PERIOD_TYPE, valueType(periodType.substring(0, slash), periodType.substring(slash + 1)));
            profile.field(PROFILE_PERIOD, period);
        }
        profile.field(PROFILE_COMMENT, string(comment));
        profile.field(PROFILE_DEFAULT_SAMPLE_TYPE, (long) string(defaultSampleType));
        // The string table last: everything above may have added to it.
        stringTable.forEach(s -> profile.field(PROFILE_STRING_TABLE, s));
        byte[] bytes = new byte[profile.size()];
        System.arraycopy(profile.buffer(), 0, bytes, 0, bytes.length);
        return bytes;
    }

    /** One sample: its stack, its values (one per sample type) and its labels. */
    final class Sample {
        private final Proto proto = new Proto(256);

        private Sample() {
        }

        /** Appends a frame; the first one given is the innermost. */
        Sample frame(String function, String file, int line) {
            proto.field(SAMPLE_LOCATION_ID, location(function, file == null ? "" : file, Math.max(line, 0)));
            return this;
        }

        Sample value(long value) {
            proto.field(SAMPLE_VALUE, value);
            return this;
        }

        Sample label(String key, String value) {
            proto.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, string(key)).field(LABEL_STR, string(value)));
            return this;
        }

        Sample label(String key, long value) {
            proto.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, string(key)).field(LABEL_NUM, value));
            return this;
        }

        Sample label(String key, long value, String unit) {
            proto.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, string(key)).field(LABEL_NUM, value)
                    .field(LABEL_NUM_UNIT, string(unit)));
            return this;
        }
    }

    private Proto valueType(String type, String unit) {
        return new Proto(16).field(VALUE_TYPE_TYPE, string(type)).field(VALUE_TYPE_UNIT, string(unit));
    }

    private long location(String function, String file, int line) {
        String key = function + '\0' + file + '\0' + line;
        Long id = locationIds.get(key);
        if (id != null) {
            return id;
        }
        long newId = locationIds.size() + 1L;
        locationIds.put(key, newId);
        Proto lineProto = new Proto(16).field(LINE_FUNCTION_ID, function(function, file)).field(LINE_LINE, (long) line);
        locations.add(new Proto(32).field(LOCATION_ID, newId).field(LOCATION_LINE, lineProto));
        return newId;
    }

    private long function(String name, String file) {
        String key = name + '\0' + file;
        Long id = functionIds.get(key);
        if (id != null) {
            return id;
        }
        long newId = functionIds.size() + 1L;
        functionIds.put(key, newId);
        int nameIndex = string(name);
        functions.add(new Proto(32).field(FUNCTION_ID, newId).field(FUNCTION_NAME, nameIndex)
                .field(FUNCTION_SYSTEM_NAME, nameIndex).field(FUNCTION_FILENAME, string(file)));
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
