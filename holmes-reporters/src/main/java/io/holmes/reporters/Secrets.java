package io.holmes.reporters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configured secrets of one reporter, and the one way text from outside (a server's answer, an exception's
 * message) reaches a log line: every secret masked, in the forms a server is likely to echo it (as configured,
 * URL-encoded, Base64 inside a Basic credential), and the result capped in length.
 */
final class Secrets {

    /** The longest piece of outside text a log line carries. */
    static final int MAX_CHARS = 300;
    static final String MASK = "***";

    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    static Secrets none() {
        return new Secrets(List.of());
    }

    /** @param secrets the values to mask; nulls and empty strings are ignored */
    static Secrets of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            forms.add(secret);
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        List<String> sorted = new ArrayList<>(forms);
        // Longest first, so that a secret containing another is masked whole.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(List.copyOf(sorted));
    }

    /** The secrets of HTTP basic authentication: the password, the {@code user:password} pair and its Base64. */
    static List<String> basic(String user, String password) {
        if (password == null) {
            return List.of();
        }
        String pair = user + ":" + password;
        return List.of(password, pair, Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.ISO_8859_1)),
                Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code text} with every secret masked, white space collapsed, and at most {@link #MAX_CHARS} long. */
    String mask(String text) {
        if (text == null) {
            return "";
        }
        String masked = text;
        for (String secret : values) {
            masked = masked.replace(secret, MASK);
        }
        masked = masked.replaceAll("\\s+", " ").trim();
        return masked.length() > MAX_CHARS ? masked.substring(0, MAX_CHARS) + "..." : masked;
    }

    /** An exception as {@code Class: message}, masked and capped. */
    String mask(Throwable e) {
        return mask(e.toString());
    }
}
