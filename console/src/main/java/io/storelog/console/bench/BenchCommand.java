package io.storelog.console.bench;

import picocli.CommandLine.Command;

/** {@code storelog bench}: benchmarks that print figures and write them to bench/results/. */
@Command(name = "bench", description = "Run a benchmark.", mixinStandardHelpOptions = true,
        subcommands = {AppendBench.class, ReplicateBench.class, HqBench.class, ScanBench.class, BudgetBench.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
