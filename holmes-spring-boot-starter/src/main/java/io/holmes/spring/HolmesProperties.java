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

        /** Whether the rule fires; false builds it but keeps it off until enabled at run time. */
        private Boolean enabled;

        /** Readings below this never capture. */
        private Integer min;

        /** How many percent above the average of the previous ten readings a reading must be to capture. */
        private Integer diff;

        /** Readings above this capture whatever the average. */
        private Integer abs;

        /** How long the rule rests after it captured. */
        private Duration cooldown;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Integer getMin() {
            return min;
        }

        public void setMin(Integer min) {
            this.min = min;
        }

        public Integer getDiff() {
            return diff;
        }

        public void setDiff(Integer diff) {
            this.diff = diff;
        }

        public Integer getAbs() {
            return abs;
        }

        public void setAbs(Integer abs) {
            this.abs = abs;
        }

        public Duration getCooldown() {
            return cooldown;
        }

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

        public String getMeter() {
            return meter;
        }

        public void setMeter(String meter) {
            this.meter = meter;
        }

        public Map<String, String> getTags() {
            return tags;
        }

        public void setTags(Map<String, String> tags) {
            this.tags = tags;
        }

        public String getStatistic() {
            return statistic;
        }

        public void setStatistic(String statistic) {
            this.statistic = statistic;
        }

        public Integer getMin() {
            return min;
        }

        public void setMin(Integer min) {
            this.min = min;
        }

        public Integer getDiff() {
            return diff;
        }

        public void setDiff(Integer diff) {
            this.diff = diff;
        }

        public Integer getAbs() {
            return abs;
        }

        public void setAbs(Integer abs) {
            this.abs = abs;
        }

        public Integer getMax() {
            return max;
        }

        public void setMax(Integer max) {
            this.max = max;
        }

        public Duration getCooldown() {
            return cooldown;
        }

        public void setCooldown(Duration cooldown) {
            this.cooldown = cooldown;
        }

        public List<io.holmes.DumpType> getCaptures() {
            return captures;
        }

        public void setCaptures(List<io.holmes.DumpType> captures) {
            this.captures = captures;
        }
    }

    /** Thresholds of the thread rule, which also has a ceiling. */
    public static class ThreadRule extends Rule {

        /** Readings at or above this never capture (a dump that large is itself a hazard); 0 turns it off. */
        private Integer max;

        public Integer getMax() {
            return max;
        }

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

        public Integer getMaxFiles() {
            return maxFiles;
        }

        public void setMaxFiles(Integer maxFiles) {
            this.maxFiles = maxFiles;
        }

        public DataSize getMaxSize() {
            return maxSize;
        }

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

        public String getServerAddress() {
            return serverAddress;
        }

        public void setServerAddress(String serverAddress) {
            this.serverAddress = serverAddress;
        }

        public String getApplicationName() {
            return applicationName;
        }

        public void setApplicationName(String applicationName) {
            this.applicationName = applicationName;
        }

        public Map<String, String> getLabels() {
            return labels;
        }

        public void setLabels(Map<String, String> labels) {
            this.labels = labels;
        }

        public String getTenantId() {
            return tenantId;
        }

        public void setTenantId(String tenantId) {
            this.tenantId = tenantId;
        }

        public String getBasicAuthUser() {
            return basicAuthUser;
        }

        public void setBasicAuthUser(String basicAuthUser) {
            this.basicAuthUser = basicAuthUser;
        }

        public String getBasicAuthPassword() {
            return basicAuthPassword;
        }

        public void setBasicAuthPassword(String basicAuthPassword) {
            this.basicAuthPassword = basicAuthPassword;
        }

        public String getBearerToken() {
            return bearerToken;
        }

        public void setBearerToken(String bearerToken) {
            this.bearerToken = bearerToken;
        }

        public Map<String, String> getHeaders() {
            return headers;
        }

        public void setHeaders(Map<String, String> headers) {
            this.headers = headers;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Integer getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(Integer maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Integer getQueueCapacity() {
            return queueCapacity;
        }

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

    /** Checks every value as Holmes would, reporting each problem against its property. */
    @Override
    public boolean supports(Class<?> clazz) {
        return HolmesProperties.class.isAssignableFrom(clazz);
    }

    @Override
    public void validate(Object target, Errors errors) {
        HolmesPropertiesMapper.validate((HolmesProperties) target, errors);
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getCollectInterval() {
        return collectInterval;
    }

    public void setCollectInterval(Duration collectInterval) {
        this.collectInterval = collectInterval;
    }

    public Double getCpuCores() {
        return cpuCores;
    }

    public void setCpuCores(Double cpuCores) {
        this.cpuCores = cpuCores;
    }

    public DataSize getMemoryLimit() {
        return memoryLimit;
    }

    public void setMemoryLimit(DataSize memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    public Path getDumpPath() {
        return dumpPath;
    }

    public void setDumpPath(Path dumpPath) {
        this.dumpPath = dumpPath;
    }

    public Duration getSamplingTime() {
        return samplingTime;
    }

    public void setSamplingTime(Duration samplingTime) {
        this.samplingTime = samplingTime;
    }

    public Duration getLookBack() {
        return lookBack;
    }

    public void setLookBack(Duration lookBack) {
        this.lookBack = lookBack;
    }

    public Integer getCpuMax() {
        return cpuMax;
    }

    public void setCpuMax(Integer cpuMax) {
        this.cpuMax = cpuMax;
    }

    public Duration getCpuSamplingInterval() {
        return cpuSamplingInterval;
    }

    public void setCpuSamplingInterval(Duration cpuSamplingInterval) {
        this.cpuSamplingInterval = cpuSamplingInterval;
    }

    public DataSize getAllocSamplingInterval() {
        return allocSamplingInterval;
    }

    public void setAllocSamplingInterval(DataSize allocSamplingInterval) {
        this.allocSamplingInterval = allocSamplingInterval;
    }

    public Boolean getHeapDump() {
        return heapDump;
    }

    public void setHeapDump(Boolean heapDump) {
        this.heapDump = heapDump;
    }

    public Integer getReporterQueueCapacity() {
        return reporterQueueCapacity;
    }

    public void setReporterQueueCapacity(Integer reporterQueueCapacity) {
        this.reporterQueueCapacity = reporterQueueCapacity;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public Rule getCpu() {
        return cpu;
    }

    public Rule getMem() {
        return mem;
    }

    public ThreadRule getThread() {
        return thread;
    }

    public Rule getGcHeap() {
        return gcHeap;
    }

    public Rule getGcTime() {
        return gcTime;
    }

    public Rule getRss() {
        return rss;
    }

    public DataSize getRssLimit() {
        return rssLimit;
    }

    public void setRssLimit(DataSize rssLimit) {
        this.rssLimit = rssLimit;
    }

    public Map<String, MeterTrigger> getTriggers() {
        return triggers;
    }

    public Dump getDump() {
        return dump;
    }

    public Pyroscope getPyroscope() {
        return pyroscope;
    }
}
