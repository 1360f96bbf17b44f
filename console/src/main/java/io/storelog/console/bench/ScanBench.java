package io.storelog.console.bench;

import io.storelog.config.ConfigLoader;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.console.UsageException;
import io.storelog.console.bench.replicate.Latency;
import io.storelog.console.bench.till.HeadlessTill;
import io.storelog.node.StoreNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code storelog bench scan}: a barcode scanner against the till screen in headless Chromium. Each scan
 * types the digits and Enter in one go, as a scanner does; the figure is the page's own measure from
 * Enter to the line drawn in the cart ({@code performance.measure('scan-to-cart')}).
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scans barcodes into the till screen (headless Chromium at /usr/bin/chromium, driven through",
                "/usr/bin/chromedriver) against one till node holding a generated catalog, and prints the page's own",
                "scan-to-cart times. Writes <out-dir>/scan-<UTC time>.txt and .json."})
public final class ScanBench implements Callable<Integer> {
    static final double TARGET_P99_MILLIS = 100;
    static final int TARGET_PRODUCTS = 50_000;

    @Option(names = "--products", defaultValue = "50000", description = "products in the till's catalog (default ${DEFAULT-VALUE})")
    int products;
    @Option(names = "--scans", defaultValue = "300", description = "timed scans (default ${DEFAULT-VALUE})")
    int scans;
    @Option(names = "--warm-up", defaultValue = "20", description = "untimed scans first, while the page's code compiles (default ${DEFAULT-VALUE})")
    int warmUp;
    @Option(names = "--per-sale", defaultValue = "20", description = "items per cart; the cart is cleared (Alt+N) after this many (default ${DEFAULT-VALUE})")
    int perSale;

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (products < 1 || scans < 1 || warmUp < 0 || perSale < 1) {
            throw new UsageException("--products, --scans and --per-sale must be at least 1, --warm-up at least 0");
        }
        return BenchRun.execute("scan", "StoreLog till screen scan benchmark", options.dir, options.outDir, options.keepData, spec, run -> {
            Path catalog = run.base.resolve("catalog-" + products + ".csv");
            CatalogGenerator.write(products, options.seed, catalog);
            List<CatalogItem> items = new ArrayList<>(CatalogGenerator.generate(products, options.seed).stream()
                    .filter(i -> i.unit() == ItemUnit.EACH && !i.barcode().isEmpty()).toList());
            if (items.isEmpty()) {
                throw new UsageException("the generated catalog has no barcoded items; use more --products");
            }
            Collections.shuffle(items, new Random(options.seed));
            measure(run, catalog, items);
        });
    }

    private void measure(BenchRun run, Path catalog, List<CatalogItem> items) throws Exception {
        BenchReport report = run.report;
        report.section("Set-up");
        report.row("till", String.format(Locale.ROOT, "1 till node in this JVM, %,d-product catalog, HTTP on loopback", products),
                Map.of("products", products));
        report.row("browser", "headless Chromium through chromedriver (Selenium), a fresh profile", Map.of());
        report.row("scans", String.format(Locale.ROOT, "%,d untimed, then %,d timed; carts of %d items cleared with Alt+N",
                warmUp, scans, perSale), Map.of("warmUp", warmUp, "scans", scans, "perSale", perSale));
        List<Double> ms;
        try (HeadlessTill till = HeadlessTill.start(run.base.resolve("chromium"));
                StoreNode node = StoreNode.start(ConfigLoader.load(Optional.empty(), AppendBench.tillOverrides("till-1", run.base.resolve("till"), catalog)))) {
            // A lone till (no store key) has recovered its log and imported its catalog when start returns.
            till.open("http://127.0.0.1:" + node.httpPort() + "/");
            ms = till.scan(items, warmUp, scans, perSale);
        }
        Histogram h = Latency.histogram();
        ms.forEach(m -> Latency.record(h, Math.round(m * 1e6)));
        double p99 = Latency.p(h, 99);
        report.section("Scan to cart (the page's performance.measure, Enter to line drawn)");
        report.row("scan to cart", Latency.text(h), Latency.values(h));
        report.row("load average", CpuMeter.loadAverage(), Map.of());
        boolean full = products >= TARGET_PRODUCTS && scans >= 100;
        report.target("scan to cart p99, 50,000 products", String.format(Locale.ROOT, "%.1f ms", p99),
                String.format(Locale.ROOT, "< %.0f ms", TARGET_P99_MILLIS), full ? p99 < TARGET_P99_MILLIS : null,
                full ? "" : "run with at least 50,000 products and 100 scans to judge");
    }
}
