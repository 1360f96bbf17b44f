package io.storelog.node.ui;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium driven through its chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). A test using it is skipped, with a message
 * saying why, only when {@code /usr/bin/chromium} is not installed. Each browser has a fresh profile.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where tests write screenshots (the module's target folder, as Maven runs tests in the module). */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts a headless browser with its profile under {@code profileDir}; skips the test without Chromium. */
    static Browser start(Path profileDir) {
        assumeTrue(Files.isExecutable(CHROMIUM), "browser tests need headless Chromium at " + CHROMIUM
                + " (apt-get install -y chromium chromium-driver; .ci/run installs it)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                // Tabs in the background keep running their timers and streams at full speed: the test
                // watches the dashboard while it types on a till in another tab.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--window-size=1360,900",
                "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    /** Opens {@code url} in a new tab and returns that tab's handle. */
    String open(String url) {
        if (!driver.getCurrentUrl().startsWith("http")) {
            driver.get(url);
        } else {
            driver.switchTo().newWindow(WindowType.TAB);
            driver.get(url);
        }
        return driver.getWindowHandle();
    }

    /** Brings the tab {@code handle} to the front. */
    void show(String handle) {
        driver.switchTo().window(handle);
    }

    /** Types into whatever has the keyboard focus, as a cashier (or a barcode scanner) would. */
    void type(CharSequence... keys) {
        driver.switchTo().activeElement().sendKeys(keys);
    }

    /**
     * Waits until no dialog is open. The till drops keys while one is (its key handler returns early), and
     * a dialog may still be closing after the state it changed is already shown.
     */
    void awaitNoDialog() {
        until(d -> Boolean.TRUE.equals(script("return document.querySelector('dialog[open]') === null")) ? true : null);
    }

    /** Presses Enter on the focused element. */
    void enter() {
        type(Keys.ENTER);
    }

    /** The element with this CSS selector, waiting until it is displayed. */
    WebElement visible(String css) {
        return until(d -> {
            WebElement e = first(css);
            return e != null && e.isDisplayed() ? e : null;
        });
    }

    /**
     * Waits until no displayed element matches {@code css}; a dialog must also have lost its {@code open}
     * attribute, since the till drops keys while any dialog is open (see {@link #awaitNoDialog}).
     */
    void gone(String css) {
        until(d -> {
            WebElement e = first(css);
            return e == null || (!e.isDisplayed() && e.getDomAttribute("open") == null) ? Boolean.TRUE : null;
        });
    }

    /** The trimmed text of the element with this CSS selector (empty when there is none). */
    String text(String css) {
        WebElement e = first(css);
        return e == null ? "" : e.getText().trim();
    }

    /** Waits until the element with this CSS selector shows a text (not empty, not the "…" placeholder) and returns it. */
    String awaitText(String css) {
        return until(d -> {
            String t = text(css);
            return t.isEmpty() || t.equals("…") ? null : t;
        });
    }

    /** An attribute of the element with this CSS selector, or null. */
    String attribute(String css, String name) {
        WebElement e = first(css);
        return e == null ? null : e.getAttribute(name);
    }

    /** Waits until {@code condition} answers non-null (and not false), and returns that. */
    <T> T until(Function<WebDriver, T> condition) {
        try {
            // A dialog re-rendered between finding and reading it is asked again, not a failure.
            return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            // What the page showed when the wait gave up says more than the condition's lambda name.
            String url = driver.getCurrentUrl();
            String shown = driver.findElements(By.tagName("body")).stream().map(WebElement::getText).findFirst().orElse("");
            throw new AssertionError("waited " + WAIT.toSeconds() + " s in vain on " + url + "; the page showed:\n" + shown, e);
        }
    }

    /** Runs a script in the page and returns its value. */
    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Answers an API-token prompt, if the page shows one. */
    void signInWithToken(String token) {
        visible("#token-dialog");
        type(token, Keys.ENTER);
        gone("#token-dialog");
    }

    /** Saves the current tab as {@code target/screenshots/<name>.png} and returns the file. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path out = SCREENSHOTS.resolve(name + ".png");
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WebElement first(String css) {
        return driver.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
