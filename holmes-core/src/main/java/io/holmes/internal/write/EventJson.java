package io.holmes.internal.write;

import io.holmes.DumpEvent;
import io.holmes.Rule;
import io.holmes.internal.JsonWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code <type>.<stamp>.json} document written beside every capture. Files are named relative to it. {@code start}
 * and {@code end} are those of the forward capture, taken after the trigger; {@code lookBack} describes the window
 * before it (or is {@code null}). A detail whose value is an integer in canonical decimal form ({@code 42},
 * {@code -7}, not {@code 042} or {@code 1e3}) is written as a JSON number, every other detail as a string.
 */
public final class EventJson {

    private EventJson() {
    }

    public static String toJson(DumpEvent event) {
        JsonWriter json = new JsonWriter().beginObject()
                .field("id", event.id())
                .field("type", event.type().fileTag())
                .field("trigger", event.trigger())
                .field("reason", event.reason().name())
                .field("current", event.current())
                .field("average", event.average());
        Rule rule = event.rule();
        json.name("rule");
        if (rule == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("min", rule.min())
                    .field("diff", rule.diff())
                    .field("abs", rule.abs())
                    .field("max", rule.max())
                    .field("cooldownMillis", rule.cooldown().toMillis())
                    .endObject();
        }
        json.name("window").beginArray();
        for (int reading : event.window()) {
            json.value(reading);
        }
        json.endArray();
        json.name("readingsDuring").beginArray();
        for (int reading : event.readingsDuring()) {
            json.value(reading);
        }
        json.endArray()
                .field("start", event.start().toString())
                .field("end", event.end().toString())
                .field("durationMillis", event.duration().toMillis())
                .field("host", event.host())
                .field("pid", event.pid())
                .field("jvm", event.jvm());
        json.name("files").beginArray();
        for (Path file : event.files()) {
            json.value(file.getFileName().toString());
        }
        json.endArray();
        json.name("lookBack");
        DumpEvent.LookBack lookBack = event.lookBack().orElse(null);
        if (lookBack == null) {
            json.nullValue();
        } else {
            json.beginObject()
                    .field("window", "before the trigger")
                    .field("from", lookBack.from().toString())
                    .field("to", lookBack.to().toString())
                    .field("durationMillis", lookBack.duration().toMillis())
                    .field("view", lookBack.view());
            json.name("samples").beginObject();
            for (Map.Entry<String, Long> count : lookBack.samples().entrySet()) {
                json.field(count.getKey(), count.getValue());
            }
            json.endObject();
            json.name("files").beginArray();
            for (Path file : lookBack.files()) {
                json.value(file.getFileName().toString());
            }
            json.endArray().endObject();
        }
        json.name("details").beginObject();
        for (Map.Entry<String, String> detail : event.details().entrySet()) {
            String value = detail.getValue();
            if (isInteger(value)) {
                json.field(detail.getKey(), Long.parseLong(value));
            } else {
                json.field(detail.getKey(), value);
            }
        }
        json.endObject();
        return json.endObject().toString();
    }

    /** Whether {@code s} is a long written the way {@link Long#toString(long)} writes it. */
    static boolean isInteger(String s) {
        int n = s.length();
        int i = s.startsWith("-") ? 1 : 0;
        if (n == i || n - i > 19 || (s.charAt(i) == '0' && n - i > 1)) {
            return false;
        }
        for (int j = i; j < n; j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                return false;
            }
        }
        try {
            return Long.toString(Long.parseLong(s)).equals(s);
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }
}
