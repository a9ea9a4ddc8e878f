package io.holmes.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service with the Holmes starter: configured in {@code application.yml}, observed through
 * {@code /actuator/holmes}, provoked through {@code /spike/cpu}, {@code /spike/heap} and {@code /spike/threads}.
 */
@SpringBootApplication
public class BootDemo {

    public static void main(String[] args) {
        SpringApplication.run(BootDemo.class, args);
    }
}
