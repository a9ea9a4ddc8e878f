package io.holmes.spring;

import io.holmes.Problem;
import io.holmes.reporters.PyroscopeReporter;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * {@code holmes.pyroscope.*} onto {@link PyroscopeReporter.Builder}. The only class of the starter, besides the
 * auto-configuration guarded by {@code @ConditionalOnClass}, that touches holmes-reporters and OkHttp: both are
 * optional, so nothing here is loaded unless {@link #isPresent()}.
 */
final class PyroscopeReporters {

    private PyroscopeReporters() {
    }

    /** Whether holmes-reporters and OkHttp are on the class path. */
    static boolean isPresent() {
        return isPresent("io.holmes.reporters.PyroscopeReporter") && isPresent("okhttp3.OkHttpClient");
    }

    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, PyroscopeReporters.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The reporter of {@code p}, named {@code applicationName} unless one is set. */
    static PyroscopeReporter.Builder builder(HolmesProperties.Pyroscope p, String applicationName, OkHttpClient client) {
        PyroscopeReporter.Builder b = PyroscopeReporter.builder(p.getServerAddress(),
                p.getApplicationName() != null ? p.getApplicationName() : applicationName);
        b.labels(p.getLabels()).headers(p.getHeaders());
        if (p.getTenantId() != null) {
            b.tenantId(p.getTenantId());
        }
        if (p.getBasicAuthUser() != null || p.getBasicAuthPassword() != null) {
            b.basicAuth(p.getBasicAuthUser(), p.getBasicAuthPassword());
        }
        if (p.getBearerToken() != null) {
            b.bearerToken(p.getBearerToken());
        }
        if (p.getTimeout() != null) {
            b.timeout(p.getTimeout());
        }
        if (p.getMaxRetries() != null) {
            b.maxRetries(p.getMaxRetries());
        }
        if (p.getQueueCapacity() != null) {
            b.queueCapacity(p.getQueueCapacity());
        }
        if (client != null) {
            b.httpClient(client);
        }
        return b;
    }

    /** Every problem the reporter's builder finds with {@code p}, each on the builder option it is about. */
    static List<Problem> problems(HolmesProperties.Pyroscope p) {
        // The application name may come from spring.application.name, unknown here; check the rest.
        String name = p.getApplicationName() != null ? p.getApplicationName() : "application";
        return builder(p, name, null).problems();
    }
}
