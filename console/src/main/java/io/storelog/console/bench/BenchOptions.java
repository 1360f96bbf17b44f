package io.storelog.console.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every bench command takes: where it writes, where results go, its seed, and whether to keep data. */
public final class BenchOptions {
    @Option(names = "--dir", description = "directory on the disk under test; a fresh subdirectory is made in it (default ./target)")
    Path dir;
    @Option(names = "--out-dir", description = "where results go (default bench/results under STORELOG_HOME or the working directory)")
    Path outDir;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the catalogs and the bills (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--keep-data", description = "keep the data directories afterwards")
    boolean keepData;
}
