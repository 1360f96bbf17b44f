package io.storelog.node.receipt;

import java.util.ArrayList;
import java.util.List;

/** Fits text to a fixed number of columns: receipt printers print 42 characters a line on 80 mm paper. */
final class Columns {
    private final int width;

    Columns(int width) {
        this.width = width;
    }

    int width() {
        return width;
    }

    /** {@code text} centred (cut to the width). */
    String center(String text) {
        String t = cut(text, width);
        int pad = (width - t.length()) / 2;
        return " ".repeat(pad) + t;
    }

    /** {@code left} and {@code right} on one line, right-aligned; the left part is cut so the amount always shows. */
    String leftRight(String left, String right) {
        String r = cut(right, width);
        String l = cut(left, Math.max(0, width - r.length() - 1));
        return l + " ".repeat(width - l.length() - r.length()) + r;
    }

    /** {@code text} broken at spaces into lines of at most the width (a word longer than a line is split). */
    List<String> wrap(String text, String indent) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.trim().split("\\s+")) {
            while (indent.length() + word.length() > width) {
                flush(out, line, indent);
                int room = width - indent.length();
                out.add(indent + word.substring(0, room));
                word = word.substring(room);
            }
            int needed = line.length() == indent.length() ? word.length() : word.length() + 1;
            if (line.length() + needed > width) {
                flush(out, line, indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        flush(out, line, indent);
        return out;
    }

    String rule(char c) {
        return String.valueOf(c).repeat(width);
    }

    private static void flush(List<String> out, StringBuilder line, String indent) {
        if (line.length() > indent.length()) {
            out.add(line.toString());
        }
        line.setLength(0);
        line.append(indent);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
