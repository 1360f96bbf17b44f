package io.storelog.config;

import java.util.Comparator;
import java.util.stream.Stream;

/** "did you mean" hints for misspelt keys: a typo should cost seconds, not a support call. */
final class KeySuggestion {
    private KeySuggestion() {
    }

    /** " (did you mean 'http.port'?)" for a near miss, else "". */
    static String hint(String unknown) {
        return Stream.of(ConfigKeys.ALL.stream(), CliFlags.all().keySet().stream()).flatMap(s -> s)
                .filter(k -> k.startsWith("--") == unknown.startsWith("--"))
                .min(Comparator.comparingInt(k -> distance(unknown, k)))
                .filter(k -> distance(unknown, k) <= Math.max(2, unknown.length() / 4))
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
    }

    /** Levenshtein edit distance; keys are short, so the plain two-row table is fine. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
