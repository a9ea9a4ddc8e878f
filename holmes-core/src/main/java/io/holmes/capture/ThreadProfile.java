package io.holmes.capture;

import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.proto.Proto;

/**
 * Encodes a {@link ThreadSnapshot} as a pprof profile (the {@code perftools.profiles.Profile} message that
 * {@code go tool pprof} reads) with one sample per thread, so that threads parked in the same place add
 * up into one node. Each sample counts one thread (sample type {@code threads/count}, the default) and
 * carries the thread's CPU time so far ({@code cpu/nanoseconds}); labels give the thread's name, id and state.
 * The protobuf bytes are written with async-profiler's own encoder ({@code one.proto.Proto}, shipped in
 * ap-loader), the one its JFR-to-pprof converter uses, so Holmes carries no encoder of its own.
 */
public final class ThreadProfile {

    // perftools.profiles.Profile field numbers
    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_LOCATION = 4;
    private static final int PROFILE_FUNCTION = 5;
    private static final int PROFILE_STRING_TABLE = 6;
    private static final int PROFILE_TIME_NANOS = 9;
    private static final int PROFILE_DURATION_NANOS = 10;
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

    /** The frame given to a thread that has no Java frames, so that it still shows in the graph. */
    static final String NO_JAVA_FRAMES = "[no Java frames]";

    private final Map<String, Integer> strings = new HashMap<>();
    private final List<String> stringTable = new ArrayList<>();
    private final Map<String, Long> functionIds = new HashMap<>();
    private final Map<String, Long> locationIds = new HashMap<>();
    private final List<Proto> functions = new ArrayList<>();
    private final List<Proto> locations = new ArrayList<>();

    private ThreadProfile() {
        string("");
    }

    /** The profile's protobuf bytes (not compressed). */
    public static byte[] encode(ThreadSnapshot snapshot) {
        return new ThreadProfile().build(snapshot);
    }

    private byte[] build(ThreadSnapshot snapshot) {
        Proto profile = new Proto(64 * 1024);
        profile.field(PROFILE_SAMPLE_TYPE, valueType("threads", "count"));
        profile.field(PROFILE_SAMPLE_TYPE, valueType("cpu", "nanoseconds"));
        int threadKey = string("thread");
        int threadIdKey = string("thread_id");
        int stateKey = string("state");
        for (ThreadSnapshot.Entry entry : snapshot.threads()) {
            ThreadInfo t = entry.info();
            Proto sample = new Proto(256);
            StackTraceElement[] stack = t.getStackTrace();
            if (stack.length == 0) {
                sample.field(SAMPLE_LOCATION_ID, location(NO_JAVA_FRAMES, "", 0));
            }
            for (StackTraceElement frame : stack) { // leaf first, as pprof expects
                String name = frame.getClassName() + "." + frame.getMethodName();
                String file = frame.getFileName() == null ? "" : frame.getFileName();
                sample.field(SAMPLE_LOCATION_ID, location(name, file, Math.max(frame.getLineNumber(), 0)));
            }
            sample.field(SAMPLE_VALUE, 1L);
            sample.field(SAMPLE_VALUE, Math.max(entry.cpuNanos(), 0L));
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, threadKey)
                    .field(LABEL_STR, string(t.getThreadName())));
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, threadIdKey).field(LABEL_NUM, t.getThreadId()));
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, stateKey)
                    .field(LABEL_STR, string(t.getThreadState().name())));
            profile.field(PROFILE_SAMPLE, sample);
        }
        int virtualKey = string("virtual");
        int carrierKey = string("carrier_id");
        for (VirtualThreads.Entry t : snapshot.virtualThreads()) {
            Proto sample = new Proto(256);
            if (t.frames().isEmpty()) {
                sample.field(SAMPLE_LOCATION_ID, location(NO_JAVA_FRAMES, "", 0));
            }
            for (String raw : t.frames()) { // innermost first, as pprof expects
                VirtualThreads.Frame frame = VirtualThreads.Frame.parse(raw);
                sample.field(SAMPLE_LOCATION_ID, location(frame.function(), frame.file(), frame.line()));
            }
            sample.field(SAMPLE_VALUE, 1L);
            sample.field(SAMPLE_VALUE, 0L);
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, threadKey)
                    .field(LABEL_STR, string(t.name().isEmpty() ? "virtual #" + t.id() : t.name())));
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, threadIdKey).field(LABEL_NUM, t.id()));
            if (t.state() != null) {
                sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, stateKey).field(LABEL_STR, string(t.state())));
            }
            sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, virtualKey).field(LABEL_STR, string("true")));
            if (t.carrier() >= 0) {
                sample.field(SAMPLE_LABEL, new Proto(16).field(LABEL_KEY, carrierKey).field(LABEL_NUM, t.carrier()));
            }
            profile.field(PROFILE_SAMPLE, sample);
        }
        for (Proto location : locations) {
            profile.field(PROFILE_LOCATION, location);
        }
        for (Proto function : functions) {
            profile.field(PROFILE_FUNCTION, function);
        }
        profile.field(PROFILE_TIME_NANOS, snapshot.time().getEpochSecond() * 1_000_000_000L + snapshot.time().getNano());
        profile.field(PROFILE_DURATION_NANOS, 0L);
        profile.field(PROFILE_PERIOD_TYPE, valueType("threads", "count"));
        profile.field(PROFILE_PERIOD, 1L);
        profile.field(PROFILE_COMMENT, string("Holmes thread dump: one sample per live thread, virtual threads "
                + "labelled virtual=true"));
        profile.field(PROFILE_DEFAULT_SAMPLE_TYPE, (long) string("threads"));
        for (String s : stringTable) {
            profile.field(PROFILE_STRING_TABLE, s);
        }
        byte[] bytes = new byte[profile.size()];
        System.arraycopy(profile.buffer(), 0, bytes, 0, bytes.length);
        return bytes;
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
