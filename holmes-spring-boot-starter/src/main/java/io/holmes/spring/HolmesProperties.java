package io.holmes.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Holmes configured from {@code holmes.*}. Every option of {@code Holmes.Builder} has a property here; an unset
 * property leaves Holmes' own default in force (the defaults, listed in the configuration metadata, are the
 * constants of {@code Holmes}, {@code Rule.defaults} and the reporters' builders). The cpu, mem and thread rules
 * run with {@code Rule.defaults} unless thresholds are set; {@code holmes.<rule>.enabled=false} switches one off.
 * Bad values fail start-up with a message naming the property.
 */
@ConfigurationProperties(prefix = "holmes")
public class HolmesProperties implements Validator {

    /** Whether Holmes runs at all. */
    private boolean enabled = true;

    /** How often Holmes takes its readings; at least 10ms. */
    private Duration collectInterval;

    /** Denominator of the CPU percentage. Default: the container's CPU quota, else the available processors. */
    private Double cpuCores;

    /** Denominator of the heap percentage. Default: the maximum heap (-Xmx). */
    private DataSize memoryLimit;

    /**
     * Directory of the captures, created with owner-only permissions. Holmes refuses one that another user owns,
     * and makes one of its own owner-only when group or others can write it. Default:
     * {@code ${java.io.tmpdir}/holmes-<user name>}.
     */
    private Path dumpPath;

    /** Length of a CPU or allocation capture, 100ms to 10m. */
    private Duration samplingTime;

    /** No capture of any kind while CPU % is at or above this; 0 turns the veto off. */
    private Integer cpuMax;

    /**
     * How far back every event looks: a low-rate JDK Flight Recorder recording keeps the recent past, and every
     * event also gets the window that ends at its trigger (*.before.jfr, *.before.pb.gz, *.before.html), so a
     * short spike or a finished heap jump is not missed. 0 turns it off; at most 10m.
     */
    private Duration lookBack;

    /** CPU time between two CPU samples of a thread during a CPU capture, 1ms to 1s. */
    private Duration cpuSamplingInterval;

    /**
     * Bytes allocated between two allocation samples during a MEM capture: 1KB to 1GB, or 0 to have each capture
     * choose it from the allocation rate (at most 200 samples a second, at least 512KB).
     */
    private DataSize allocSamplingInterval;

    /** Whether MEM captures also write an .hprof heap dump (pauses the JVM, holds secrets). */
    private Boolean heapDump;

    /** Finished events that may wait for slow reporters before the oldest is dropped. */
    private Integer reporterQueueCapacity;

    /** How long stopping Holmes waits for captures and reporters. */
    private Duration closeTimeout;

    /** The CPU rule, in percent of cpu-cores. */
    private final Rule cpu = new Rule();

    /** The heap rule, in percent of memory-limit. */
    private final Rule mem = new Rule();

    /** The thread rule, in live threads. */
    private final ThreadRule thread = new ThreadRule();

    /**
     * The gc-heap trigger: heap in percent of memory-limit right after the latest collection; captures MEM. Runs when
     * enabled is true or a threshold is set.
     */
    private final Rule gcHeap = new Rule();

    /**
     * The gc-time trigger: percent of wall time spent in GC pauses since the previous reading; captures CPU and MEM.
     * Runs when enabled is true or a threshold is set.
     */
    private final Rule gcTime = new Rule();

    /**
     * The rss trigger: resident memory in percent of rss-limit; captures MEM and a memory.txt breakdown. Runs when
     * enabled is true or a threshold is set.
     */
    private final Rule rss = new Rule();

    /** Denominator of the rss percentage. Default: the cgroup memory limit, else physical memory. */
    private DataSize rssLimit;

    /**
     * Triggers on the application's own Micrometer meters, by trigger name (lower case, digits, '.', '_', '-'), read
     * from the MeterRegistry every collect interval. Each needs meter, min and abs.
     */
    private final Map<String, MeterTrigger> triggers = new LinkedHashMap<>();

    /** The disk budget of the dump directory. */
    private final Dump dump = new Dump();

    /** Pushing captures to a Pyroscope server; on when server-address is set. */
    private final Pyroscope pyroscope = new Pyroscope();

    /** Thresholds of one rule; see Holmes' rule semantics. */
    public static class Rule {

        /**
         * Whether the rule fires. For cpu, mem and thread, false builds the rule but keeps it off until it is turned on
         * at run time; for gc-heap, gc-time and rss, false leaves the trigger out and true runs it, with the default
         * thresholds where none are set.
         */
        private Boolean enabled;

        /** Readings below this never capture. */
        private Integer min;

        /** How many percent above the average of the previous ten readings a reading must be to capture. */
        private Integer diff;

        /** Readings above this capture whatever the average. */
        private Integer abs;

        /** How long the rule rests after it captured. */
        private Duration cooldown;

        /**
         * {@return {@code holmes.<rule>.enabled}, {@code null} when unset. For cpu, mem and thread, unset or true runs
         * the rule and false builds it but keeps it off until it is turned on at run time; for gc-heap, gc-time and
         * rss, true runs the trigger, false leaves it out, and unset runs it when a threshold is set}
         */
        public Boolean getEnabled() {
            return enabled;
        }

        /**
         * Binds {@code holmes.<rule>.enabled}.
         *
         * @param enabled true or false, or {@code null} to decide as {@link #getEnabled()} says
         */
        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * {@return {@code holmes.<rule>.min}: readings below it never capture; {@code null} when unset, for the rule's
         * default ({@code Rule.defaults})}
         */
        public Integer getMin() {
            return min;
        }

        /**
         * Binds {@code holmes.<rule>.min}.
         *
         * @param min 0 to 10000 for a percentage, zero or more for the thread rule, not above abs; {@code null} for the
         *            default
         */
        public void setMin(Integer min) {
            this.min = min;
        }

        /**
         * {@return {@code holmes.<rule>.diff}: how many percent above the average of the previous ten readings a
         * reading must be to capture; {@code null} when unset, for the rule's default}
         */
        public Integer getDiff() {
            return diff;
        }

        /**
         * Binds {@code holmes.<rule>.diff}.
         *
         * @param diff 0 to 10000, or {@code null} for the default
         */
        public void setDiff(Integer diff) {
            this.diff = diff;
        }

        /**
         * {@return {@code holmes.<rule>.abs}: readings above it capture whatever the average; {@code null} when unset,
         * for the rule's default}
         */
        public Integer getAbs() {
            return abs;
        }

        /**
         * Binds {@code holmes.<rule>.abs}.
         *
         * @param abs in the unit of min and not below it, or {@code null} for the default
         */
        public void setAbs(Integer abs) {
            this.abs = abs;
        }

        /**
         * {@return {@code holmes.<rule>.cooldown}: how long the rule rests after it captured; {@code null} when unset,
         * for the rule's default (2 minutes for cpu, mem and thread, 5 for the others)}
         */
        public Duration getCooldown() {
            return cooldown;
        }

        /**
         * Binds {@code holmes.<rule>.cooldown}.
         *
         * @param cooldown zero or more, or {@code null} for the default
         */
        public void setCooldown(Duration cooldown) {
            this.cooldown = cooldown;
        }
    }

    /**
     * A trigger on a Micrometer meter: a timer's published percentile, mean or max in milliseconds, a counter's rate
     * per second, or a gauge's value. A meter that does not exist yet is a skipped reading.
     */
    public static class MeterTrigger {

        /** Name of the meter, for example http.server.requests. */
        private String meter;

        /** Tags the meter must have, for example uri: /checkout. */
        private Map<String, String> tags = new LinkedHashMap<>();

        /**
         * What to read: value (a gauge's value, a counter's count), count-rate (events per second since the previous
         * reading), mean or max (a timer's, in ms), or a published percentile such as p99 (in ms for a timer).
         */
        private String statistic = "value";

        /** Readings below this never capture. Required. */
        private Integer min;

        /** How many percent above the average of the previous ten readings a reading must be to capture. */
        private Integer diff = 100;

        /** Readings above this capture whatever the average. Required. */
        private Integer abs;

        /** Readings at or above this never capture; 0 turns the ceiling off. */
        private Integer max = 0;

        /** How long the trigger rests after it captured. */
        private Duration cooldown = Duration.ofMinutes(5);

        /** What to capture when it fires. */
        private List<io.holmes.DumpType> captures = new ArrayList<>(List.of(io.holmes.DumpType.CPU,
                io.holmes.DumpType.THREAD));

        /**
         * {@return {@code holmes.triggers.<name>.meter}: the name of the meter to read; {@code null} until bound, which
         * start-up refuses}
         */
        public String getMeter() {
            return meter;
        }

        /**
         * Binds {@code holmes.triggers.<name>.meter}. Required.
         *
         * @param meter a Micrometer meter name, for example {@code http.server.requests}
         */
        public void setMeter(String meter) {
            this.meter = meter;
        }

        /** {@return {@code holmes.triggers.<name>.tags}: the tags the meter must have; empty by default} */
        public Map<String, String> getTags() {
            return tags;
        }

        /**
         * Binds {@code holmes.triggers.<name>.tags}.
         *
         * @param tags tag keys to the values the meter must have, for example {@code uri: /checkout}
         */
        public void setTags(Map<String, String> tags) {
            this.tags = tags;
        }

        /** {@return {@code holmes.triggers.<name>.statistic}: what is read from the meter; {@code value} by default} */
        public String getStatistic() {
            return statistic;
        }

        /**
         * Binds {@code holmes.triggers.<name>.statistic}.
         *
         * @param statistic {@code value}, {@code count-rate}, {@code mean}, {@code max} or a published percentile such
         *                  as {@code p99}
         */
        public void setStatistic(String statistic) {
            this.statistic = statistic;
        }

        /**
         * {@return {@code holmes.triggers.<name>.min}: readings below it never capture; {@code null} until bound, which
         * start-up refuses}
         */
        public Integer getMin() {
            return min;
        }

        /**
         * Binds {@code holmes.triggers.<name>.min}. Required.
         *
         * @param min zero or more, in the unit of the statistic, not above abs
         */
        public void setMin(Integer min) {
            this.min = min;
        }

        /**
         * {@return {@code holmes.triggers.<name>.diff}: how many percent above the average of the previous ten readings
         * a reading must be to capture; 100 by default}
         */
        public Integer getDiff() {
            return diff;
        }

        /**
         * Binds {@code holmes.triggers.<name>.diff}.
         *
         * @param diff 0 to 10000
         */
        public void setDiff(Integer diff) {
            this.diff = diff;
        }

        /**
         * {@return {@code holmes.triggers.<name>.abs}: readings above it capture whatever the average; {@code null}
         * until bound, which start-up refuses}
         */
        public Integer getAbs() {
            return abs;
        }

        /**
         * Binds {@code holmes.triggers.<name>.abs}. Required.
         *
         * @param abs in the unit of the statistic, not below min
         */
        public void setAbs(Integer abs) {
            this.abs = abs;
        }

        /**
         * {@return {@code holmes.triggers.<name>.max}: readings at or above it never capture; 0 (no ceiling) by
         * default}
         */
        public Integer getMax() {
            return max;
        }

        /**
         * Binds {@code holmes.triggers.<name>.max}.
         *
         * @param max 0 (no ceiling) or a value above min
         */
        public void setMax(Integer max) {
            this.max = max;
        }

        /**
         * {@return {@code holmes.triggers.<name>.cooldown}: how long the trigger rests after it captured; 5 minutes by
         * default}
         */
        public Duration getCooldown() {
            return cooldown;
        }

        /**
         * Binds {@code holmes.triggers.<name>.cooldown}.
         *
         * @param cooldown zero or more
         */
        public void setCooldown(Duration cooldown) {
            this.cooldown = cooldown;
        }

        /**
         * {@return {@code holmes.triggers.<name>.captures}: what is captured when the trigger fires; CPU and THREAD by
         * default}
         */
        public List<io.holmes.DumpType> getCaptures() {
            return captures;
        }

        /**
         * Binds {@code holmes.triggers.<name>.captures}.
         *
         * @param captures one or more of CPU, MEM and THREAD
         */
        public void setCaptures(List<io.holmes.DumpType> captures) {
            this.captures = captures;
        }
    }

    /** Thresholds of the thread rule, which also has a ceiling. */
    public static class ThreadRule extends Rule {

        /** Readings at or above this never capture (a dump that large is itself a hazard); 0 turns it off. */
        private Integer max;

        /**
         * {@return {@code holmes.thread.max}: thread counts at or above it never capture, 0 meaning no ceiling;
         * {@code null} when unset, for the default of 3000}
         */
        public Integer getMax() {
            return max;
        }

        /**
         * Binds {@code holmes.thread.max}.
         *
         * @param max 0 (no ceiling) or a count above min, or {@code null} for the default
         */
        public void setMax(Integer max) {
            this.max = max;
        }
    }

    /** The disk budget: the oldest events are deleted first. */
    public static class Dump {

        /** The most capture events kept (an event is the few files sharing one stamp). */
        private Integer maxFiles;

        /** The most bytes kept, at least 1MB. */
        private DataSize maxSize;

        /**
         * {@return {@code holmes.dump.max-files}: the most capture events kept; {@code null} when unset, for Holmes'
         * default of 50}
         */
        public Integer getMaxFiles() {
            return maxFiles;
        }

        /**
         * Binds {@code holmes.dump.max-files}. It counts events (the few files sharing one stamp), not files.
         *
         * @param maxFiles at least 1, or {@code null} for the default
         */
        public void setMaxFiles(Integer maxFiles) {
            this.maxFiles = maxFiles;
        }

        /**
         * {@return {@code holmes.dump.max-size}: the most bytes kept; {@code null} when unset, for Holmes' default of
         * 256MB}
         */
        public DataSize getMaxSize() {
            return maxSize;
        }

        /**
         * Binds {@code holmes.dump.max-size}.
         *
         * @param maxSize at least 1MB, or {@code null} for the default
         */
        public void setMaxSize(DataSize maxSize) {
            this.maxSize = maxSize;
        }
    }

    /** A Pyroscope server to push captures to. */
    public static class Pyroscope {

        /** The server, for example http://pyroscope:4040. Setting it turns the reporter on. */
        private String serverAddress;

        /** The application's name in Pyroscope. Default: spring.application.name. */
        private String applicationName;

        /** Static labels of every upload. */
        private Map<String, String> labels = new LinkedHashMap<>();

        /** The tenant, sent as X-Scope-OrgID to a multi-tenant server. */
        private String tenantId;

        /** User for HTTP basic authentication. */
        private String basicAuthUser;

        /** Password for HTTP basic authentication; never logged. */
        private String basicAuthPassword;

        /** Token sent as Authorization: Bearer; never logged. */
        private String bearerToken;

        /** Extra headers of every upload. */
        private Map<String, String> headers = new LinkedHashMap<>();

        /** The longest an upload may take, and the longest closing waits for uploads. */
        private Duration timeout;

        /** Attempts after the first for 429, 5xx and I/O errors. */
        private Integer maxRetries;

        /** Captures that may wait for upload before the oldest is dropped. */
        private Integer queueCapacity;

        /**
         * {@return {@code holmes.pyroscope.server-address}: the server; {@code null} when unset, which leaves the
         * reporter off}
         */
        public String getServerAddress() {
            return serverAddress;
        }

        /**
         * Binds {@code holmes.pyroscope.server-address}; setting it turns the reporter on.
         *
         * @param serverAddress an http:// or https:// address without credentials, query or fragment, for example
         *                      {@code http://pyroscope:4040}
         */
        public void setServerAddress(String serverAddress) {
            this.serverAddress = serverAddress;
        }

        /**
         * {@return {@code holmes.pyroscope.application-name}: the application's name in Pyroscope; {@code null} when
         * unset, for {@code spring.application.name}}
         */
        public String getApplicationName() {
            return applicationName;
        }

        /**
         * Binds {@code holmes.pyroscope.application-name}.
         *
         * @param applicationName letters, digits and {@code _ . / -}, or {@code null} for
         *                        {@code spring.application.name}
         */
        public void setApplicationName(String applicationName) {
            this.applicationName = applicationName;
        }

        /** {@return {@code holmes.pyroscope.labels}: static labels of every upload; empty by default} */
        public Map<String, String> getLabels() {
            return labels;
        }

        /**
         * Binds {@code holmes.pyroscope.labels}.
         *
         * @param labels label keys (letters, digits, {@code _} and {@code .}) to non-empty values without
         *               {@code { } , =} or white space
         */
        public void setLabels(Map<String, String> labels) {
            this.labels = labels;
        }

        /**
         * {@return {@code holmes.pyroscope.tenant-id}: the tenant sent as {@code X-Scope-OrgID}; {@code null} when
         * unset, for none}
         */
        public String getTenantId() {
            return tenantId;
        }

        /**
         * Binds {@code holmes.pyroscope.tenant-id}.
         *
         * @param tenantId a non-blank value without control characters, or {@code null} for none
         */
        public void setTenantId(String tenantId) {
            this.tenantId = tenantId;
        }

        /**
         * {@return {@code holmes.pyroscope.basic-auth-user}: the user for HTTP basic authentication; {@code null} when
         * unset}
         */
        public String getBasicAuthUser() {
            return basicAuthUser;
        }

        /**
         * Binds {@code holmes.pyroscope.basic-auth-user}; not together with the bearer token.
         *
         * @param basicAuthUser a non-empty user name without {@code ':'}, or {@code null} for no basic authentication
         */
        public void setBasicAuthUser(String basicAuthUser) {
            this.basicAuthUser = basicAuthUser;
        }

        /**
         * {@return {@code holmes.pyroscope.basic-auth-password}: the password for HTTP basic authentication, never
         * logged; {@code null} when unset}
         */
        public String getBasicAuthPassword() {
            return basicAuthPassword;
        }

        /**
         * Binds {@code holmes.pyroscope.basic-auth-password}.
         *
         * @param basicAuthPassword the password; required with a user
         */
        public void setBasicAuthPassword(String basicAuthPassword) {
            this.basicAuthPassword = basicAuthPassword;
        }

        /**
         * {@return {@code holmes.pyroscope.bearer-token}: the token sent as {@code Authorization: Bearer}, never
         * logged; {@code null} when unset}
         */
        public String getBearerToken() {
            return bearerToken;
        }

        /**
         * Binds {@code holmes.pyroscope.bearer-token}; not together with basic authentication.
         *
         * @param bearerToken a non-blank value without control characters, or {@code null} for none
         */
        public void setBearerToken(String bearerToken) {
            this.bearerToken = bearerToken;
        }

        /**
         * {@return {@code holmes.pyroscope.headers}: extra headers of every upload, whose values are masked in logs;
         * empty by default}
         */
        public Map<String, String> getHeaders() {
            return headers;
        }

        /**
         * Binds {@code holmes.pyroscope.headers}.
         *
         * @param headers header names (HTTP tokens) to values without control characters
         */
        public void setHeaders(Map<String, String> headers) {
            this.headers = headers;
        }

        /**
         * {@return {@code holmes.pyroscope.timeout}: the longest an upload may take, and the longest closing waits for
         * uploads; {@code null} when unset, for the reporter's default of 10s}
         */
        public Duration getTimeout() {
            return timeout;
        }

        /**
         * Binds {@code holmes.pyroscope.timeout}.
         *
         * @param timeout above 0 and at most 5m, or {@code null} for the default
         */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        /**
         * {@return {@code holmes.pyroscope.max-retries}: attempts after the first for 429, 5xx and I/O errors;
         * {@code null} when unset, for the reporter's default of 3}
         */
        public Integer getMaxRetries() {
            return maxRetries;
        }

        /**
         * Binds {@code holmes.pyroscope.max-retries}.
         *
         * @param maxRetries 0 to 20, or {@code null} for the default
         */
        public void setMaxRetries(Integer maxRetries) {
            this.maxRetries = maxRetries;
        }

        /**
         * {@return {@code holmes.pyroscope.queue-capacity}: captures that may wait for upload before the oldest is
         * dropped; {@code null} when unset, for the reporter's default of 16}
         */
        public Integer getQueueCapacity() {
            return queueCapacity;
        }

        /**
         * Binds {@code holmes.pyroscope.queue-capacity}.
         *
         * @param queueCapacity 1 to 10000, or {@code null} for the default
         */
        public void setQueueCapacity(Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        boolean isConfigured() {
            return serverAddress != null && !serverAddress.isBlank();
        }

        @Override
        public String toString() {
            return "Pyroscope{serverAddress=" + serverAddress + ", applicationName=" + applicationName
                    + ", labels=" + labels + ", tenantId=" + tenantId
                    + ", basicAuthUser=" + basicAuthUser + ", basicAuthPassword=" + (basicAuthPassword != null ? "***" : null)
                    + ", bearerToken=" + (bearerToken != null ? "***" : null) + ", headers=" + headers.keySet()
                    + ", timeout=" + timeout + ", maxRetries=" + maxRetries + ", queueCapacity=" + queueCapacity + '}';
        }
    }

    /** This validator checks {@link HolmesProperties} and its subclasses only. */
    @Override
    public boolean supports(Class<?> clazz) {
        return HolmesProperties.class.isAssignableFrom(clazz);
    }

    /**
     * Checks every value as Holmes would ({@code Holmes.Builder.problems()}, the meter triggers, and the Pyroscope
     * reporter when it is configured and on the class path), reporting each problem against its property.
     */
    @Override
    public void validate(Object target, Errors errors) {
        HolmesPropertiesMapper.validate((HolmesProperties) target, errors);
    }

    /** {@return {@code holmes.enabled}: whether Holmes runs at all; true by default} */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Binds {@code holmes.enabled}.
     *
     * @param enabled false to have the starter create no Holmes, no endpoint and no meters
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * {@return {@code holmes.collect-interval}: how often Holmes takes its readings; {@code null} when unset, leaving
     * Holmes' default of 5s}
     */
    public Duration getCollectInterval() {
        return collectInterval;
    }

    /**
     * Binds {@code holmes.collect-interval}.
     *
     * @param collectInterval 10ms to 1h, or {@code null} for Holmes' default of 5s
     */
    public void setCollectInterval(Duration collectInterval) {
        this.collectInterval = collectInterval;
    }

    /**
     * {@return {@code holmes.cpu-cores}: the denominator of the CPU percentage; {@code null} when unset, leaving the
     * container's CPU quota, else the available processors}
     */
    public Double getCpuCores() {
        return cpuCores;
    }

    /**
     * Binds {@code holmes.cpu-cores}.
     *
     * @param cpuCores a finite number of cores above 0 and at most 100000, or {@code null} for the container's CPU
     *                 quota, else the available processors
     */
    public void setCpuCores(Double cpuCores) {
        this.cpuCores = cpuCores;
    }

    /**
     * {@return {@code holmes.memory-limit}: the denominator of the heap percentage; {@code null} when unset, leaving
     * the maximum heap}
     */
    public DataSize getMemoryLimit() {
        return memoryLimit;
    }

    /**
     * Binds {@code holmes.memory-limit}.
     *
     * @param memoryLimit a positive size, or {@code null} for the maximum heap
     */
    public void setMemoryLimit(DataSize memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /**
     * {@return {@code holmes.dump-path}: the directory of the captures; {@code null} when unset, leaving
     * {@code ${java.io.tmpdir}/holmes-<user name>}}
     */
    public Path getDumpPath() {
        return dumpPath;
    }

    /**
     * Binds {@code holmes.dump-path}.
     *
     * @param dumpPath a directory that is, or may become, owner-only; not a file and without a comma, or {@code null}
     *                 for {@code ${java.io.tmpdir}/holmes-<user name>}
     */
    public void setDumpPath(Path dumpPath) {
        this.dumpPath = dumpPath;
    }

    /**
     * {@return {@code holmes.sampling-time}: the length of a CPU or allocation capture; {@code null} when unset,
     * leaving Holmes' default of 5s}
     */
    public Duration getSamplingTime() {
        return samplingTime;
    }

    /**
     * Binds {@code holmes.sampling-time}.
     *
     * @param samplingTime 100ms to 10m, or {@code null} for Holmes' default of 5s
     */
    public void setSamplingTime(Duration samplingTime) {
        this.samplingTime = samplingTime;
    }

    /**
     * {@return {@code holmes.look-back}: how far back every event looks; {@code null} when unset, leaving Holmes'
     * default of 30s}
     */
    public Duration getLookBack() {
        return lookBack;
    }

    /**
     * Binds {@code holmes.look-back}.
     *
     * @param lookBack 0 (off) or 1s to 10m, or {@code null} for Holmes' default of 30s
     */
    public void setLookBack(Duration lookBack) {
        this.lookBack = lookBack;
    }

    /**
     * {@return {@code holmes.cpu-max}: the CPU % at or above which nothing is captured; {@code null} when unset, leaving the
     * veto off}
     */
    public Integer getCpuMax() {
        return cpuMax;
    }

    /**
     * Binds {@code holmes.cpu-max}.
     *
     * @param cpuMax 0 (off) to 10000, or {@code null} for the veto off
     */
    public void setCpuMax(Integer cpuMax) {
        this.cpuMax = cpuMax;
    }

    /**
     * {@return {@code holmes.cpu-sampling-interval}: CPU time between two CPU samples of a thread during a CPU capture;
     * {@code null} when unset, leaving Holmes' default of 10ms}
     */
    public Duration getCpuSamplingInterval() {
        return cpuSamplingInterval;
    }

    /**
     * Binds {@code holmes.cpu-sampling-interval}.
     *
     * @param cpuSamplingInterval 1ms to 1s, or {@code null} for Holmes' default of 10ms
     */
    public void setCpuSamplingInterval(Duration cpuSamplingInterval) {
        this.cpuSamplingInterval = cpuSamplingInterval;
    }

    /**
     * {@return {@code holmes.alloc-sampling-interval}: bytes allocated between two allocation samples during a MEM
     * capture; {@code null} when unset, leaving the choice from the allocation rate}
     */
    public DataSize getAllocSamplingInterval() {
        return allocSamplingInterval;
    }

    /**
     * Binds {@code holmes.alloc-sampling-interval}.
     *
     * @param allocSamplingInterval 0 (chosen per capture from the allocation rate) or 1KB to 1GB, or {@code null} for
     *                              the choice from the allocation rate
     */
    public void setAllocSamplingInterval(DataSize allocSamplingInterval) {
        this.allocSamplingInterval = allocSamplingInterval;
    }

    /**
     * {@return {@code holmes.heap-dump}: whether MEM captures also write an .hprof heap dump; {@code null} when unset,
     * which writes none}
     */
    public Boolean getHeapDump() {
        return heapDump;
    }

    /**
     * Binds {@code holmes.heap-dump}. A heap dump pauses the JVM while it is written, is as large as the live heap and
     * holds every secret in it.
     *
     * @param heapDump true to write one with every MEM capture; false or {@code null} for none
     */
    public void setHeapDump(Boolean heapDump) {
        this.heapDump = heapDump;
    }

    /**
     * {@return {@code holmes.reporter-queue-capacity}: how many finished events may wait for slow reporters;
     * {@code null} when unset, leaving Holmes' default of 64}
     */
    public Integer getReporterQueueCapacity() {
        return reporterQueueCapacity;
    }

    /**
     * Binds {@code holmes.reporter-queue-capacity}.
     *
     * @param reporterQueueCapacity 1 to 100000, or {@code null} for Holmes' default of 64
     */
    public void setReporterQueueCapacity(Integer reporterQueueCapacity) {
        this.reporterQueueCapacity = reporterQueueCapacity;
    }

    /**
     * {@return {@code holmes.close-timeout}: how long stopping Holmes waits for captures and reporters; {@code null}
     * when unset, leaving Holmes' default of 5s}
     */
    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    /**
     * Binds {@code holmes.close-timeout}.
     *
     * @param closeTimeout above 0 and at most 5m, or {@code null} for Holmes' default of 5s
     */
    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /**
     * {@return {@code holmes.cpu.*}: the CPU rule, in percent of cpu-cores; never {@code null}, its thresholds
     * {@code null} until bound}
     */
    public Rule getCpu() {
        return cpu;
    }

    /**
     * {@return {@code holmes.mem.*}: the heap rule, in percent of memory-limit; never {@code null}, its thresholds
     * {@code null} until bound}
     */
    public Rule getMem() {
        return mem;
    }

    /**
     * {@return {@code holmes.thread.*}: the thread rule, in live threads; never {@code null}, its thresholds
     * {@code null} until bound}
     */
    public ThreadRule getThread() {
        return thread;
    }

    /**
     * {@return {@code holmes.gc-heap.*}: the gc-heap trigger, in percent of memory-limit after the latest collection;
     * never {@code null}, its thresholds {@code null} until bound}
     */
    public Rule getGcHeap() {
        return gcHeap;
    }

    /**
     * {@return {@code holmes.gc-time.*}: the gc-time trigger, in percent of wall time spent in GC pauses; never
     * {@code null}, its thresholds {@code null} until bound}
     */
    public Rule getGcTime() {
        return gcTime;
    }

    /**
     * {@return {@code holmes.rss.*}: the rss trigger, in percent of rss-limit; never {@code null}, its thresholds
     * {@code null} until bound}
     */
    public Rule getRss() {
        return rss;
    }

    /**
     * {@return {@code holmes.rss-limit}: the denominator of the rss percentage; {@code null} when unset, leaving the
     * cgroup memory limit, else physical memory}
     */
    public DataSize getRssLimit() {
        return rssLimit;
    }

    /**
     * Binds {@code holmes.rss-limit}.
     *
     * @param rssLimit a positive size, or {@code null} for the cgroup memory limit, else physical memory
     */
    public void setRssLimit(DataSize rssLimit) {
        this.rssLimit = rssLimit;
    }

    /**
     * {@return {@code holmes.triggers.<name>.*}: triggers on the application's Micrometer meters, by trigger name; the
     * modifiable map that binding fills, empty by default}
     */
    public Map<String, MeterTrigger> getTriggers() {
        return triggers;
    }

    /** {@return {@code holmes.dump.*}: the disk budget of the dump directory; never {@code null}} */
    public Dump getDump() {
        return dump;
    }

    /**
     * {@return {@code holmes.pyroscope.*}: pushing captures to a Pyroscope server; never {@code null}, and off until
     * its server address is set}
     */
    public Pyroscope getPyroscope() {
        return pyroscope;
    }
}
