package io.storelog.console;

import io.storelog.config.catalog.CatalogGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storelog catalog-gen}: writes a realistic generated catalog (50,000 products by default) for tests and benchmarks. */
@Command(name = "catalog-gen", description = "Generate a catalog CSV of N realistic products.", mixinStandardHelpOptions = true)
public final class CatalogGenCommand implements Callable<Integer> {
    @Option(names = "--products", description = "number of products (default 50000)") int products = 50_000;
    @Option(names = "--seed", description = "random seed (default 1)") long seed = 1;
    @Option(names = "--out", required = true, description = "CSV file to write") Path out;

    @Override
    public Integer call() throws Exception {
        if (products < 1) {
            throw new UsageException("--products must be at least 1");
        }
        CatalogGenerator.write(products, seed, out);
        System.out.println("wrote " + products + " products to " + out);
        return 0;
    }
}
