package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.TestStaff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * In a store with staff the till screen signs a cashier in with a PIN, opens a shift with a float,
 * bills under that cashier, and closes the shift with the counted cash; the node holds exactly that.
 */
@Tag("browser")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CashierShiftBrowserTest {
    @TempDir
    Path dir;

    @Test
    void signInOpenAShiftSellAndCloseItByKeyboard() {
        try (Browser browser = Browser.start(dir.resolve("chromium"));
                StoreNode node = StoreNode.start(TestNodes.till(dir, "till-5", TestStaff.overrides(dir)))) {
            await().atMost(Duration.ofSeconds(10)).until(node::ready);
            ApiClient api = new ApiClient(node.httpPort());
            browser.open("http://127.0.0.1:" + node.httpPort() + "/");
            assertThat(browser.awaitText("#node-id")).isEqualTo("till-5");
            browser.until(d -> browser.attribute("#cashier-area", "hidden") == null ? true : null);

            // A wrong PIN is refused on the screen; the right one signs Ann in.
            browser.type(Keys.chord(Keys.ALT, "l"));
            browser.visible("#signin-dialog");
            browser.type(TestStaff.CASHIER, Keys.TAB, "11112222", Keys.ENTER);
            browser.until(d -> String.valueOf(browser.script("return document.body.innerText")).contains("wrong PIN") ? true : null);
            // The panel asks again, naming the problem.
            browser.type(TestStaff.CASHIER, Keys.TAB, TestStaff.CASHIER_PIN, Keys.ENTER);
            browser.until(d -> browser.text("#cashier-name").equals(TestStaff.CASHIER) ? true : null);

            browser.type(Keys.chord(Keys.ALT, "h"));
            browser.visible("#shift-dialog");
            browser.type("100.00", Keys.ENTER);
            browser.until(d -> browser.text("#shift-state").contains("open") ? true : null);
            JsonNode shift = api.get("/api/shifts/current").body();
            assertThat(shift.get("openingFloat").asLong()).isEqualTo(10_000);

            browser.awaitNoDialog();
            browser.type("MILK-1L", Keys.ENTER);
            browser.visible("#cart-lines tr[data-sku='MILK-1L']");
            browser.enter();
            browser.visible("#pay-dialog");
            browser.enter();
            browser.visible("#receipt-dialog");
            JsonNode bill = api.get("/api/bills/" + browser.text("#receipt-id")).body();
            assertThat(bill.get("cashier").asText()).as("the bill carries the signed-in cashier").isEqualTo(TestStaff.CASHIER);
            browser.type(Keys.ESCAPE);
            browser.gone("#receipt-dialog");

            browser.type(Keys.chord(Keys.ALT, "h"));
            browser.visible("#shift-dialog");
            browser.type("101.29", Keys.ENTER);
            browser.until(d -> browser.text("#shift-state").contains("no shift open") ? true : null);
            JsonNode closed = api.get("/api/shifts/" + shift.get("shiftId").asText()).body();
            assertThat(closed.get("open").asBoolean()).as("%s", closed).isFalse();
        }
    }
}
