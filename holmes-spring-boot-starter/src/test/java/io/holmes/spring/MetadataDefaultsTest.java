package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.Trigger;
import io.holmes.reporters.UploadOptions;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * The defaults an IDE shows (the generated configuration metadata) are the defaults Holmes applies: the constants of
 * {@link Holmes}, {@link Rule#defaults} and the reporters' {@link UploadOptions}.
 */
class MetadataDefaultsTest {

    /** Properties whose default depends on the machine or is "not set"; each names its default in its description. */
    private static final Set<String> NO_FIXED_DEFAULT = Set.of("holmes.cpu-cores", "holmes.memory-limit",
            "holmes.dump-path", "holmes.pyroscope.server-address", "holmes.pyroscope.application-name",
            "holmes.pyroscope.labels", "holmes.pyroscope.tenant-id", "holmes.pyroscope.basic-auth-user",
            "holmes.pyroscope.basic-auth-password", "holmes.pyroscope.bearer-token", "holmes.pyroscope.headers",
            "holmes.rss-limit", "holmes.triggers");

    @Test
    void everyDefaultInTheMetadataIsTheOneHolmesApplies() throws Exception {
        Map<String, JsonNode> metadata = holmesProperties();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("holmes.enabled", true);
        expected.put("holmes.collect-interval", Holmes.DEFAULT_COLLECT_INTERVAL);
        expected.put("holmes.sampling-time", Holmes.DEFAULT_SAMPLING_TIME);
        expected.put("holmes.cpu-sampling-interval", Holmes.DEFAULT_CPU_SAMPLING_INTERVAL);
        expected.put("holmes.alloc-sampling-interval", DataSize.ofBytes(Holmes.DEFAULT_ALLOC_SAMPLING_INTERVAL));
        expected.put("holmes.reporter-queue-capacity", Holmes.DEFAULT_REPORTER_QUEUE_CAPACITY);
        expected.put("holmes.close-timeout", Holmes.DEFAULT_CLOSE_TIMEOUT);
        expected.put("holmes.look-back", Holmes.DEFAULT_LOOK_BACK);
        expected.put("holmes.cpu-max", 0);
        expected.put("holmes.heap-dump", false);
        expected.put("holmes.dump.max-files", Holmes.DEFAULT_MAX_EVENTS);
        expected.put("holmes.dump.max-size", DataSize.ofBytes(Holmes.DEFAULT_MAX_BYTES));
        for (DumpType type : DumpType.values()) {
            Rule rule = Rule.defaults(type);
            String prefix = "holmes." + type.fileTag() + ".";
            expected.put(prefix + "enabled", true);
            expected.put(prefix + "min", rule.min());
            expected.put(prefix + "diff", rule.diff());
            expected.put(prefix + "abs", rule.abs());
            expected.put(prefix + "cooldown", rule.cooldown());
            if (type == DumpType.THREAD) {
                expected.put(prefix + "max", rule.max());
            }
        }
        for (String trigger : List.of(Trigger.GC_HEAP, Trigger.GC_TIME, Trigger.RSS)) {
            Rule rule = Rule.defaults(trigger);
            String prefix = "holmes." + trigger + ".";
            expected.put(prefix + "enabled", false);
            expected.put(prefix + "min", rule.min());
            expected.put(prefix + "diff", rule.diff());
            expected.put(prefix + "abs", rule.abs());
            expected.put(prefix + "cooldown", rule.cooldown());
        }
        expected.put("holmes.pyroscope.timeout", UploadOptions.DEFAULT_TIMEOUT);
        expected.put("holmes.pyroscope.max-retries", UploadOptions.DEFAULT_MAX_RETRIES);
        expected.put("holmes.pyroscope.queue-capacity", UploadOptions.DEFAULT_QUEUE_CAPACITY);

        Map<String, Object> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            JsonNode property = metadata.get(e.getKey());
            assertThat(property).as("metadata of %s", e.getKey()).isNotNull();
            actual.put(e.getKey(), parse(property.get("defaultValue"), e.getValue()));
        }
        assertThat(actual).containsExactlyEntriesOf(expected);

        Set<String> accounted = new TreeSet<>(expected.keySet());
        accounted.addAll(NO_FIXED_DEFAULT);
        assertThat(metadata.keySet()).as("every holmes.* property has its default checked here")
                .containsExactlyInAnyOrderElementsOf(accounted);
        for (String name : NO_FIXED_DEFAULT) {
            assertThat(metadata.get(name).path("description").asText()).as("description of %s", name).isNotBlank();
        }
    }

    /** The metadata value read as the type Holmes uses, in the units {@code application.yml} takes. */
    private static Object parse(JsonNode value, Object like) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (like instanceof Duration) {
            return DurationStyle.detectAndParse(value.asText());
        }
        if (like instanceof DataSize) {
            return DataSize.parse(value.asText());
        }
        if (like instanceof Boolean) {
            return value.isBoolean() ? value.asBoolean() : value.asText();
        }
        return value.isInt() ? value.asInt() : value.asText();
    }

    private static Map<String, JsonNode> holmesProperties() throws Exception {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        // Every jar has its own metadata file; the starter's is the one with holmes.* properties.
        var files = MetadataDefaultsTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
        while (files.hasMoreElements()) {
            try (InputStream in = files.nextElement().openStream()) {
                for (JsonNode property : new ObjectMapper().readTree(in).get("properties")) {
                    String name = property.get("name").asText();
                    if (name.startsWith("holmes.")) {
                        properties.put(name, property);
                    }
                }
            }
        }
        assertThat(properties).as("generated configuration metadata of the starter").isNotEmpty();
        return properties;
    }
}
