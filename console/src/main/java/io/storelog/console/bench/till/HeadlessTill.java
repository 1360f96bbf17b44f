package io.storelog.console.bench.till;

import io.storelog.config.catalog.CatalogItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The till screen in the system's headless Chromium, typed at as a barcode scanner types. */
public final class HeadlessTill implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;

    private HeadlessTill(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts Chromium with a fresh profile under {@code profileDir}; fails naming the package when it is missing. */
    public static HeadlessTill start(Path profileDir) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the scan benchmark needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the background-networking flags Chromium keeps dialling out, which this sandbox refuses.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1360,900", "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new HeadlessTill(new ChromeDriver(service, options));
    }

    /** Opens the till screen at {@code url} and waits until it shows which node it is. */
    public void open(String url) {
        driver.get(url);
        until(d -> {
            String id = text("#node-id");
            return id.isEmpty() || id.equals("…") ? null : id;
        });
    }

    /**
     * Scans {@code warmUp + scans} items (cycling through {@code items}), waiting for each line to show in
     * the cart, and returns the page's scan-to-cart durations in milliseconds of the last {@code scans}.
     */
    @SuppressWarnings("unchecked")
    public List<Double> scan(List<CatalogItem> items, int warmUp, int scans, int perSale) {
        for (int i = 0; i < warmUp + scans; i++) {
            if (i == warmUp) {
                script("performance.clearMeasures('scan-to-cart');");
            }
            if (i % perSale == 0) {
                type(Keys.chord(Keys.ALT, "n"));
                until(d -> text("#cart-total").equals("0.00") ? Boolean.TRUE : null);
            }
            CatalogItem item = items.get(i % items.size());
            type(item.barcode() + Keys.ENTER);
            int line = i % perSale + 1;
            until(d -> text("#cart-lines tr:nth-child(" + line + ")").contains(item.name()) ? Boolean.TRUE : null);
        }
        List<Number> ms = (List<Number>) script("return performance.getEntriesByName('scan-to-cart').map(e => e.duration);");
        if (ms.size() != scans) {
            throw new IllegalStateException("the page measured " + ms.size() + " scans, not " + scans);
        }
        List<Double> out = new ArrayList<>(ms.size());
        ms.forEach(n -> out.add(n.doubleValue()));
        return out;
    }

    private void type(CharSequence keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    private Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    private String text(String css) {
        WebElement e = driver.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
        return e == null ? "" : e.getText().trim();
    }

    private <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
