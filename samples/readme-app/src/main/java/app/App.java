package app;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A new Spring Boot application with nothing but README's dependency snippet: Holmes starts with the default rules,
 * takes a capture on demand, and brings neither OkHttp nor Kotlin along.
 */
@SpringBootApplication
public class App {

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = SpringApplication.run(App.class, args)) {
            Holmes holmes = context.getBean(Holmes.class);
            for (DumpType type : DumpType.values()) {
                check(holmes.isEnabled(type), "the default " + type + " rule is on");
                System.out.println("rule " + holmes.rule(type));
            }
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
            check(!event.files().isEmpty(), "the capture wrote files");
            for (Path file : event.files()) {
                check(Files.isRegularFile(file) && Files.size(file) > 0, file + " exists and is not empty");
                System.out.println("captured " + file);
            }
            for (String absent : List.of("okhttp3.OkHttpClient", "kotlin.Unit", "io.holmes.reporters.PyroscopeReporter")) {
                check(!isPresent(absent), absent + " is not on the class path");
            }
            System.out.println("README application: OK");
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, App.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("expected: " + what);
        }
    }
}
