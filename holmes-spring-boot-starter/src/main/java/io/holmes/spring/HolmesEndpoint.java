package io.holmes.spring;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.MetricState;
import io.holmes.Problem;
import io.holmes.Rule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.lang.Nullable;

/**
 * The {@code holmes} Actuator endpoint. Reading shows the configuration in effect, the latest readings with their
 * windows and cooldowns, and the recent events with their files. Writing to {@code holmes/{trigger}} changes that
 * trigger's rule ({@code min}, {@code diff}, {@code abs}, {@code max}, {@code cooldown}, {@code enabled}) or, for
 * {@code cpu}, {@code mem} and {@code thread}, takes a capture ({@code {"action": "dump"}}); a bad request is answered with 400 and a body naming each field, the value
 * sent and the reason. Writing is off unless granted ({@code management.endpoint.holmes.access=unrestricted},
 * Spring Boot 3.4 and later; on older versions the starter registers no endpoint); nothing is exposed over HTTP
 * unless the application exposes it.
 */
@Endpoint(id = "holmes", defaultAccess = Access.READ_ONLY)
public class HolmesEndpoint {

    private final Holmes holmes;
    private final RecentEvents events;

    /**
     * An endpoint over one Holmes.
     *
     * @param holmes the Holmes to show and change
     * @param events the recent events to list
     */
    public HolmesEndpoint(Holmes holmes, RecentEvents events) {
        this.holmes = holmes;
        this.events = events;
    }

    /**
     * What {@code GET holmes} answers: whether Holmes runs, its configuration, each trigger's latest reading, window,
     * rule and cooldown, the tick and report counts, the bytes on disk, and the recent events with their files.
     *
     * @return the body, rendered as JSON
     */
    @ReadOperation
    public Map<String, Object> holmes() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("running", holmes.isRunning());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("collectInterval", holmes.collectInterval().toString());
        config.put("cpuCores", holmes.cpuCores());
        config.put("memoryLimit", holmes.memoryLimit());
        config.put("dumpPath", holmes.dumpPath().toString());
        config.put("samplingTime", holmes.samplingTime().toString());
        config.put("cpuMax", holmes.cpuMax());
        body.put("configuration", config);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (String trigger : holmes.triggers()) {
            metrics.put(trigger, metric(holmes.state(trigger)));
        }
        body.put("metrics", metrics);
        body.put("ticks", holmes.ticks());
        body.put("bytesOnDisk", holmes.bytesOnDisk());
        // The same counts as the holmes.reports meters: delivered means the server answered 2xx.
        Map<String, Object> reports = new LinkedHashMap<>();
        reports.put("delivered", holmes.deliveredReports());
        reports.put("failed", holmes.failedReports());
        reports.put("retried", holmes.retriedReports());
        reports.put("dropped", holmes.droppedReports());
        body.put("reports", reports);
        List<Map<String, Object>> recent = new ArrayList<>();
        for (DumpEvent event : events.list()) {
            recent.add(event(event));
        }
        body.put("recentEvents", recent);
        return body;
    }

    /**
     * Changes the rule of the trigger named {@code trigger} (any trigger: {@code cpu}, {@code mem}, {@code thread},
     * the other built-ins configured, the application's own): unset values keep the rule's current ones. For
     * {@code cpu}, {@code mem} and {@code thread}, {@code action=dump} takes a capture of that type instead. Values
     * arrive as text, so that a bad one is answered with 400 naming the field and the reason rather than a bare
     * conversion failure; {@code cooldown} takes what {@code application.yml} takes ({@code 5m}, {@code 90s},
     * {@code PT5M}).
     *
     * @param trigger  a name from {@link Holmes#triggers()}, from the path; case and surrounding blanks are ignored
     * @param action   {@code dump} to take a capture (the other values are then ignored; only for {@code cpu},
     *                 {@code mem} and {@code thread}), or absent to change the rule
     * @param min      the new min, a whole number; absent to keep it
     * @param diff     the new diff in percent, a whole number; absent to keep it
     * @param abs      the new abs, a whole number; absent to keep it
     * @param max      the new ceiling, a whole number; only the thread rule and the application's triggers may have
     *                 one other than 0
     * @param cooldown the new cooldown, such as {@code 5m}; absent to keep it
     * @param enabled  {@code true} or {@code false} to turn the trigger on or off; absent to leave it as it is
     * @return the trigger's new state; for a dump, the event once it is written (or a note that it is still running,
     *         after the sampling time and 30 s more), or 500 when the capture failed; 400 naming each field, the
     *         value sent and the reason when a value is bad, in which case nothing changes
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> update(@Selector String trigger, @Nullable String action,
                                                           @Nullable String min, @Nullable String diff,
                                                           @Nullable String abs, @Nullable String max,
                                                           @Nullable String cooldown, @Nullable String enabled) {
        String name = triggerNamed(trigger);
        if (name == null) {
            return badRequest(List.of(problem("trigger", trigger, "must be one of " + holmes.triggers() + ", but was '"
                    + trigger + "'")));
        }
        if (action != null) {
            DumpType type = typeTagged(name);
            if (!"dump".equalsIgnoreCase(action.trim())) {
                return badRequest(List.of(problem("action", action, "must be 'dump' (the only action), but was '"
                        + action + "'")));
            }
            if (type == null) {
                return badRequest(List.of(problem("action", action, "dump takes a capture type (cpu, mem or thread);"
                        + " trigger " + name + " captures " + holmes.config().trigger(name).orElseThrow().captures())));
            }
            return dump(type);
        }
        RuleUpdate update = new RuleUpdate(holmes.rule(name));
        update.integer("min", min, v -> update.min = v);
        update.integer("diff", diff, v -> update.diff = v);
        update.integer("abs", abs, v -> update.abs = v);
        update.integer("max", max, v -> update.max = v);
        if (cooldown != null) {
            try {
                update.cooldown = DurationStyle.detectAndParse(cooldown.trim());
            } catch (IllegalArgumentException e) {
                update.problems.add(problem("cooldown", cooldown,
                        "must be a duration such as 5m, 90s or PT5M, but was '" + cooldown + "'"));
            }
        }
        Boolean enable = null;
        if (enabled != null) {
            switch (enabled.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> enable = true;
                case "false" -> enable = false;
                default -> update.problems.add(problem("enabled", enabled, "must be true or false, but was '" + enabled + "'"));
            }
        }
        if (update.problems.isEmpty()) {
            Map<String, String> sent = new LinkedHashMap<>();
            sent.put("min", min);
            sent.put("diff", diff);
            sent.put("abs", abs);
            sent.put("max", max);
            sent.put("cooldown", cooldown);
            // Holmes' own checks for this trigger's kind of reading, each put back on the field it is about.
            for (Problem p : holmes.ruleProblems(name, update.min, update.diff, update.abs, update.max,
                    update.cooldown)) {
                update.problems.add(problem(p.field(), sent.get(p.field()), p.reason()));
            }
        }
        if (!update.problems.isEmpty()) {
            return badRequest(update.problems);
        }
        holmes.setRule(name, Rule.of(update.min, update.diff, update.abs, update.max, update.cooldown));
        if (enable != null) {
            if (enable) {
                holmes.enable(name);
            } else {
                holmes.disable(name);
            }
        }
        return new WebEndpointResponse<>(metric(holmes.state(name)));
    }

    /** The name of the trigger {@code sent} names, ignoring case and surrounding blanks; {@code null} when none. */
    @Nullable
    private String triggerNamed(String sent) {
        String wanted = sent.trim();
        for (String name : holmes.triggers()) {
            if (name.equalsIgnoreCase(wanted)) {
                return name;
            }
        }
        return null;
    }

    /** The capture type whose file tag is {@code name} ({@code cpu}, {@code mem}, {@code thread}), else {@code null}. */
    @Nullable
    private static DumpType typeTagged(String name) {
        for (DumpType type : DumpType.values()) {
            if (type.fileTag().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** A rule being changed: the current thresholds, overwritten field by field, and the problems found. */
    private static final class RuleUpdate {
        int min;
        int diff;
        int abs;
        int max;
        Duration cooldown;
        final List<Map<String, Object>> problems = new ArrayList<>();

        RuleUpdate(Rule current) {
            min = current.min();
            diff = current.diff();
            abs = current.abs();
            max = current.max();
            cooldown = current.cooldown();
        }

        void integer(String field, @Nullable String text, IntConsumer set) {
            if (text == null) {
                return;
            }
            try {
                set.accept(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                problems.add(problem(field, text, "must be a whole number, but was '" + text + "'"));
            }
        }
    }

    private static Map<String, Object> problem(String field, @Nullable String value, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("field", field);
        p.put("value", value);
        p.put("reason", reason);
        return p;
    }

    private static WebEndpointResponse<Map<String, Object>> badRequest(List<Map<String, Object>> problems) {
        List<String> messages = new ArrayList<>();
        for (Map<String, Object> p : problems) {
            messages.add(p.get("field") + " " + p.get("reason"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
        body.put("error", "Bad Request");
        body.put("message", String.join("; ", messages));
        body.put("problems", problems);
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }

    private WebEndpointResponse<Map<String, Object>> dump(DumpType type) {
        long waitMillis = holmes.samplingTime().toMillis() + TimeUnit.SECONDS.toMillis(30);
        try {
            return new WebEndpointResponse<>(event(holmes.dump(type).get(waitMillis, TimeUnit.MILLISECONDS)));
        } catch (ExecutionException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
            body.put("error", "capture failed");
            body.put("message", String.valueOf(e.getCause()));
            return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
        } catch (TimeoutException e) {
            return new WebEndpointResponse<>(Map.of("type", type.fileTag(), "status", "still capturing; see recentEvents"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WebEndpointResponse<>(Map.of("type", type.fileTag(), "status", "interrupted"),
                    WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
    }

    private static Map<String, Object> metric(MetricState state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latest", state.latest());
        m.put("average", state.average());
        m.put("window", state.window());
        m.put("enabled", state.enabled());
        Rule rule = state.rule();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("min", rule.min());
        r.put("diff", rule.diff());
        r.put("abs", rule.abs());
        r.put("max", rule.max());
        r.put("cooldown", rule.cooldown().toString());
        m.put("rule", r);
        m.put("cooldownLeft", state.cooldownLeft().toString());
        return m;
    }

    private static Map<String, Object> event(DumpEvent event) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", event.id());
        e.put("type", event.type().fileTag());
        e.put("trigger", event.trigger());
        e.put("reason", event.reason().name());
        e.put("current", event.current());
        e.put("average", event.average());
        e.put("start", event.start().toString());
        e.put("end", event.end().toString());
        List<String> files = new ArrayList<>();
        for (Path file : event.files()) {
            files.add(file.toString());
        }
        e.put("files", files);
        e.put("details", event.details());
        return e;
    }
}
