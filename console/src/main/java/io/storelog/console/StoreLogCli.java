package io.storelog.console;

import io.storelog.config.ConfigException;
import io.storelog.config.catalog.CatalogException;
import io.storelog.console.bench.BenchCommand;
import io.storelog.console.cli.BillsCommand;
import io.storelog.console.cli.BudgetsCommand;
import io.storelog.console.cli.ExportCommand;
import io.storelog.console.cli.PeersCommand;
import io.storelog.console.cli.SalesCommand;
import io.storelog.console.cli.StatusCommand;
import io.storelog.console.cli.StockCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/storelog}: one binary, one subcommand per role or tool. */
@Command(name = "storelog", mixinStandardHelpOptions = true, version = "storelog 0.1.0",
        description = "StoreLog: offline-first store system.",
        subcommands = {NodeCommand.class, DemoCommand.class, BenchCommand.class, CatalogGenCommand.class,
                StatusCommand.class, PeersCommand.class, StockCommand.class, BillsCommand.class, SalesCommand.class,
                ExportCommand.class, StaffHashCommand.class, CertsCommand.class, BudgetsCommand.class})
public final class StoreLogCli implements Runnable {
    /** Exit code of a bad flag or config value. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code; a bad flag or config value prints one line and gives 2. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; its error lines go to {@code getErr()}, so a caller can capture them. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StoreLogCli());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("storelog: " + ex.getMessage());
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("storelog: " + ex.getMessage());
            if (ex instanceof ConfigException || ex instanceof UsageException || ex instanceof CatalogException) {
                return USAGE;
            }
            return 1;
        });
        return cli;
    }
}
