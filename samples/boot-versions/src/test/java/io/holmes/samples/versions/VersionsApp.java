package io.holmes.samples.versions;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An empty web application: only the starter and Actuator. */
@SpringBootApplication
public class VersionsApp {
}
