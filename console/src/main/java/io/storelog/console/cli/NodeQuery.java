package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every console command does around its own work: build the client from the shared flags, and turn a
 * failed call into the one line {@code error: ...} with exit code 1. Output goes to picocli's writers so a
 * caller (or a test) can capture it.
 */
abstract class NodeQuery implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Spec
    CommandSpec spec;

    /** Does the command's work against the node; the writer is the command's standard output. */
    abstract void run(NodeClient node, PrintWriter out);

    @Override
    public final Integer call() {
        NodeClient node = options.client();
        PrintWriter out = spec.commandLine().getOut();
        try {
            run(node, out);
            out.flush();
            return 0;
        } catch (CommandFailure e) {
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** Whether {@code --json} was given. */
    boolean json() {
        return options.json;
    }

    /** Prints an answer as {@code --json} shows it. */
    static void printJson(PrintWriter out, JsonNode answer) {
        out.println(NodeClient.pretty(answer));
    }
}
