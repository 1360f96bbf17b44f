package io.storelog.node.hq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.IgniteSystemProperties;
import org.apache.ignite.logger.java.JavaLogger;

/**
 * Keeps Ignite's chatter out of the console (HQ's, and the benchmarks' that start Ignite nodes): its
 * java.util.logging output (warnings and worse) goes to one file, and the banner, update check and
 * performance tips are off. Process-wide, as JUL is.
 */
public final class IgniteLogs {
    /** Held strongly: JUL keeps loggers only weakly, and a collected one forgets its level and handler. */
    private static Logger root;
    private static FileHandler file;

    private IgniteLogs() {
    }

    /** Sends Ignite's log to {@code logFile} from now on; returns the logger to give Ignite. */
    public static synchronized IgniteLogger to(Path logFile) {
        // Not quiet: in quiet mode Ignite prints its start-up report to stdout; otherwise it logs it at INFO, below our level.
        System.setProperty(IgniteSystemProperties.IGNITE_QUIET, "false");
        System.setProperty(IgniteSystemProperties.IGNITE_NO_ASCII, "true");
        System.setProperty(IgniteSystemProperties.IGNITE_UPDATE_NOTIFIER, "false");
        System.setProperty(IgniteSystemProperties.IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED, "true");
        if (root == null) {
            root = Logger.getLogger("org.apache.ignite");
            root.setUseParentHandlers(false);
            root.setLevel(Level.WARNING);
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            FileHandler next = new FileHandler(logFile.toString(), true);
            next.setFormatter(new SimpleFormatter());
            root.addHandler(next);
            if (file != null) {
                root.removeHandler(file);
                file.close();
            }
            file = next;
        } catch (IOException e) {
            // No log file (read-only directory): warnings then go nowhere, which must not stop HQ.
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
        }
        return new JavaLogger(root, false);
    }
}
