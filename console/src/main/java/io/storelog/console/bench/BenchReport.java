package io.storelog.console.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run, printed as it goes and written at the end as text and JSON. The text
 * file holds exactly what was printed, so a committed result reads like the console did.
 */
final class BenchReport {
    /** One printed line: a label, its value as shown, and the numbers behind it for the JSON file. */
    record Row(String label, String text, Map<String, Object> values) {
    }

    /** A target of the issue and how this run did against it. */
    record Target(String name, String measured, String target, String verdict, String note) {
    }

    private final PrintStream console;
    private final StringBuilder text = new StringBuilder();
    private final Map<String, List<Row>> sections = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private List<Row> current;

    BenchReport(PrintStream console) {
        this.console = console;
    }

    void environment(BenchEnvironment env) {
        section("Environment");
        for (String[] r : env.rows()) {
            environment.put(r[0], r[1]);
            row(r[0], r[1], Map.of());
        }
        if (env.fsyncMeaningless()) {
            line("  WARNING: " + env.fsType() + " keeps data in memory; fsync figures say nothing about a disk.");
        }
    }

    void section(String title) {
        current = sections.computeIfAbsent(title, t -> new ArrayList<>());
        line("");
        line("== " + title + " ==");
    }

    /** A row with numbers for the JSON file; keys become JSON fields. */
    void row(String label, String shown, Map<String, Object> values) {
        current.add(new Row(label, shown, values));
        line(String.format(Locale.ROOT, "  %-34s %s", label, shown));
    }

    /** A free note under the current section, kept in the text file and the JSON. */
    void note(String message) {
        current.add(new Row("note", message, Map.of()));
        line("  " + message);
    }

    void target(String name, String measured, String target, Boolean pass, String note) {
        String verdict = pass == null ? "N/A" : pass ? "PASS" : "FAIL";
        targets.add(new Target(name, measured, target, verdict, note));
    }

    void printTargets() {
        section("Targets (from the issue)");
        for (Target t : targets) {
            line(String.format(Locale.ROOT, "  %-4s  %-44s measured %s (target %s)%s", t.verdict(), t.name(),
                    t.measured(), t.target(), t.note().isEmpty() ? "" : "; " + t.note()));
        }
        line("  load average at end: " + CpuMeter.loadAverage());
    }

    List<Target> targets() {
        return targets;
    }

    void line(String s) {
        console.println(s);
        console.flush();
        text.append(s).append('\n');
    }

    String text() {
        return text.toString();
    }

    /** Writes {@code <stem>.txt} and {@code <stem>.json} into {@code dir}; each appears whole or not at all. */
    List<Path> write(Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        Path txt = dir.resolve(stem + ".txt");
        Path json = dir.resolve(stem + ".json");
        writeAtomically(txt, text());
        writeAtomically(json, json());
        return List.of(txt, json);
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("environment", environment);
        List<Object> secs = new ArrayList<>();
        sections.forEach((title, rows) -> {
            if (title.equals("Environment") || title.startsWith("Targets")) {
                return;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("title", title);
            List<Object> rs = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("label", r.label());
                m.put("text", r.text());
                m.putAll(r.values());
                rs.add(m);
            }
            s.put("rows", rs);
            secs.add(s);
        });
        root.put("sections", secs);
        List<Object> ts = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("measured", t.measured());
            m.put("target", t.target());
            m.put("verdict", t.verdict());
            m.put("note", t.note());
            ts.add(m);
        }
        root.put("targets", ts);
        StringBuilder out = new StringBuilder();
        writeJson(out, root, "");
        return out.append('\n').toString();
    }

    private static void writeJson(StringBuilder out, Object v, String indent) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.append(indent).append("  ");
                quote(out, String.valueOf(e.getKey()));
                out.append(": ");
                writeJson(out, e.getValue(), indent + "  ");
                out.append(++i < m.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                out.append(indent).append("  ");
                writeJson(out, l.get(i), indent + "  ");
                out.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (v instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6f", d));
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else {
            quote(out, v.toString());
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
