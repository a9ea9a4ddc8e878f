package io.holmes.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this process that every event carries. Looked up once, lazily, never from a static initialiser. */
public final class HostInfo {

    private static volatile HostInfo current;

    private final String host;
    private final long pid;
    private final String jvm;

    private HostInfo(String host, long pid, String jvm) {
        this.host = host;
        this.pid = pid;
        this.jvm = jvm;
    }

    public static HostInfo get() {
        HostInfo info = current;
        if (info == null) {
            info = new HostInfo(lookUpHost(), ProcessHandle.current().pid(), describeJvm());
            current = info;
        }
        return info;
    }

    public String host() {
        return host;
    }

    public long pid() {
        return pid;
    }

    public String jvm() {
        return jvm;
    }

    private static String describeJvm() {
        return System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.vm.name", "?") + " "
                + System.getProperty("java.runtime.version", System.getProperty("java.version", "?"));
    }

    /** The kernel's host name first: a DNS look-up can hang, and this runs on a capture thread. */
    private static String lookUpHost() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (Exception | LinkageError ignored) {
            // not Linux: ask the JDK below
        }
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
