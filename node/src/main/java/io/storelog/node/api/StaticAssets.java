package io.storelog.node.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the web pages, their scripts and styles (classpath {@code web/}) and the front-end libraries
 * of WebJars on the classpath ({@code META-INF/resources/webjars/}), all from the jar, so a till needs no
 * internet to show its screen. {@code /assets/...} maps to {@code web/...}, {@code /webjars/...} to the
 * WebJars; a page path (e.g. {@code /} or {@code /dashboard}) maps to one HTML file. Files found are
 * kept in memory after the first read; they never change while the jar runs.
 */
public final class StaticAssets {
    private static final String WEB = "web/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    private final Map<String, String> pages;
    private final Map<String, ApiResponse> cache = new ConcurrentHashMap<>();

    /** Serves {@code pages} (a path without slashes, "" for the root, to a file under {@code web/}) and all assets. */
    public StaticAssets(Map<String, String> pages) {
        this.pages = Map.copyOf(pages);
    }

    /** The answer for a GET of the decoded path {@code segments}, or empty when they name nothing served here. */
    public Optional<ApiResponse> serve(List<String> segments) {
        String page = pages.get(String.join("/", segments));
        if (page != null) {
            return load(WEB + page);
        }
        if (segments.size() < 2 || !segments.stream().allMatch(StaticAssets::plainName)) {
            return Optional.empty();
        }
        String rest = String.join("/", segments.subList(1, segments.size()));
        return switch (segments.get(0)) {
            case "assets" -> load(WEB + rest);
            case "webjars" -> load(WEBJARS + rest);
            default -> Optional.empty();
        };
    }

    /** A path segment that cannot climb out of the asset folders ("..", an encoded slash, a backslash). */
    private static boolean plainName(String segment) {
        return !segment.isEmpty() && !segment.equals(".") && !segment.equals("..")
                && segment.indexOf('/') < 0 && segment.indexOf('\\') < 0 && segment.indexOf('\0') < 0;
    }

    private Optional<ApiResponse> load(String resource) {
        ApiResponse held = cache.get(resource);
        if (held != null) {
            return Optional.of(held);
        }
        String type = TYPES.get(extension(resource));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            ApiResponse r = new ApiResponse(200, type, in.readAllBytes());
            cache.put(resource, r);
            return Optional.of(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
