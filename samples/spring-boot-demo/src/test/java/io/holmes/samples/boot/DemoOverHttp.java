package io.holmes.samples.boot;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo application on a random port, talked to over HTTP, writing its dumps into a directory of the test
 * class's own. The context is closed after the class, so Holmes stops writing before JUnit removes the directory.
 */
@DirtiesContext
abstract class DemoOverHttp {

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @TempDir
    static Path dumps;

    @DynamicPropertySource
    static void dumpPath(DynamicPropertyRegistry registry) {
        registry.add("holmes.dump-path", () -> dumps.toString());
    }

    @Autowired
    TestRestTemplate http;
}
