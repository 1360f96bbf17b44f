package io.storelog.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What a bench run wrote into its results directory, and the figures read back from its text file. */
final class BenchResultsFiles {
    private BenchResultsFiles() {
    }

    /** The files in {@code out}, sorted by name. */
    static List<Path> list(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.sorted().toList();
        }
    }

    /** The first of {@code files} whose name ends with {@code suffix} (".txt", ".json"). */
    static Path endingWith(List<Path> files, String suffix) {
        return files.stream().filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
    }

    /** The number in {@code regex}'s first group (thousands commas dropped), or 1 for a regex without a group; fails when absent. */
    static double figure(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in the results file", regex).isTrue();
        return m.groupCount() == 0 ? 1 : Double.parseDouble(m.group(1).replace(",", ""));
    }
}
