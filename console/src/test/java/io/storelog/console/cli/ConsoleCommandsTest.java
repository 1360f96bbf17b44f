package io.storelog.console.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.units.Decimals;
import io.storelog.console.StoreLogCli;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The console commands against live nodes: two peered tills with bills made through the API, and a third
 * node that needs an API token. Every assertion compares what a command prints with what the API says now.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleCommandsTest {
    private static final String TOKEN = "s3cret-console-token";
    private static final String AWKWARD_CUSTOMER = "M\u00fcller, \"Jo\"\nline two";

    @TempDir
    static Path dir;
    private static StoreNode till1;
    private static StoreNode till2;
    private static StoreNode guarded;
    private static ApiClient api;
    private static final List<JsonNode> BILLS = new ArrayList<>();
    private static String day;

    @BeforeAll
    static void start() throws Exception {
        int port1 = freePort();
        int port2 = freePort();
        till1 = StoreNode.start(TestNodes.till(dir, "till-1", peering(port1, port2)));
        till2 = StoreNode.start(TestNodes.till(dir, "till-2", peering(port2, port1)));
        guarded = StoreNode.start(TestNodes.till(dir, "till-9", Map.of(ConfigKeys.HTTP_API_TOKEN, TOKEN)));
        api = new ApiClient(till1.httpPort());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/status").body().get("peers").size() == 1
                && api.get("/api/status").body().get("peers").get(0).get("connected").asBoolean());

        assertThat(api.post("/api/stock/receipts", "{\"sku\":\"MILK-1L\",\"qty\":10,\"reason\":\"delivery\"}").status()).isEqualTo(201);
        sell("[{\"sku\":\"MILK-1L\",\"qty\":2}]", "[{\"type\":\"cash\"}]", "");
        sell("[{\"sku\":\"WINE\",\"qty\":1},{\"sku\":\"BREAD\",\"qty\":1}]",
                "[{\"type\":\"card\",\"amount\":500,\"reference\":\"AUTH-77\"},{\"type\":\"cash\",\"amount\":1000}]",
                AWKWARD_CUSTOMER);
        sell("[{\"sku\":\"SOAP\",\"qty\":1}]", "[{\"type\":\"wallet\"}]", "");
        day = BILLS.get(BILLS.size() - 1).get("businessDay").asText();
        ApiClient api2 = new ApiClient(till2.httpPort());
        // Both lanes hold everything and see no lag, so status and peers answers stay put while the tests read them.
        await().atMost(Duration.ofSeconds(20)).until(() -> api2.entries() == api.entries()
                && api.get("/api/status").body().get("peers").get(0).get("lagEntries").asLong() == 0);
    }

    @AfterAll
    static void stop() {
        for (StoreNode n : new StoreNode[] {till1, till2, guarded}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    void statusShowsTheNodesLiveFigures() {
        JsonNode status = api.get("/api/status").body();
        Run r = run("status", "--node", url(till1));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^node +till-1$")
                .containsPattern("(?m)^store +test-store$")
                .containsPattern("(?m)^incarnation +" + status.get("incarnation").asText() + "$")
                .containsPattern("(?m)^log entries +" + status.at("/log/entries").asLong() + "$")
                .containsPattern("(?m)^offline ready +yes$")
                .contains(status.get("incarnation").asText() + " = " + status.at("/log/versionVector").get(status.get("incarnation").asText()).asLong())
                .contains("1 (1 connected, most behind by 0 entries)");
    }

    @Test
    void statusJsonIsTheApisAnswer() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Run r = run("status", "--json", "--node", url(till1));
            assertThat(r.exit()).isZero();
            assertThat(parse(r.out())).isEqualTo(api.get("/api/status").body());
        });
    }

    @Test
    void peersListsTheOtherLane() {
        JsonNode peer = api.get("/api/status").body().get("peers").get(0);
        Run r = run("peers", "--node", url(till1));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("id").contains("connected", "lagEntries");
        assertThat(r.out()).containsPattern("(?m)^till-2 +yes +0 ")
                .contains(peer.get("incarnation").asText(), peer.get("address").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(parse(run("peers", "--json", "--node", url(till1)).out())).isEqualTo(api.get("/api/status").body().get("peers")));
    }

    @Test
    void stockShowsTheFigureAfterTheSales() {
        BigDecimal milk = api.onHand("MILK-1L");
        assertThat(milk).isEqualByComparingTo("8");
        Run one = run("stock", "MILK-1L", "--node", url(till1));
        assertThat(one.exit()).isZero();
        assertThat(one.out()).containsPattern("(?m)^MILK-1L +" + milk.toPlainString() + "$");
        assertThat(parse(run("stock", "MILK-1L", "--json", "--node", url(till1)).out())).isEqualTo(api.get("/api/stock/MILK-1L").body());

        Run all = run("stock", "--node", url(till1));
        assertThat(all.out()).containsPattern("(?m)^MILK-1L +8$").containsPattern("(?m)^SOAP +-1$").containsPattern("(?m)^WINE +-1$");
        assertThat(parse(run("stock", "--json", "--node", url(till1)).out())).isEqualTo(api.get("/api/stock").body());

        Run negative = run("stock", "--negative", "--node", url(till1));
        assertThat(negative.out()).contains("SOAP", "WINE", "BREAD").doesNotContain("MILK-1L");
        for (JsonNode item : parse(run("stock", "--negative", "--json", "--node", url(till1)).out())) {
            assertThat(item.get("onHand").decimalValue()).isNegative();
        }

        Run unknown = run("stock", "NO-SUCH", "--node", url(till1));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: unknown SKU 'NO-SUCH'");
    }

    @Test
    void billsListsTheBillsJustMadeAndShowsOne() {
        Run list = run("bills", "--node", url(till1));
        assertThat(list.exit()).as(list.err()).isZero();
        for (JsonNode b : BILLS) {
            assertThat(list.out()).containsPattern("(?m)^ +" + b.get("number").asLong() + " +till-1 +" + day + " +"
                    + money(b.get("total").asLong()).replace(".", "\\.") + " +" + money(b.get("tax").asLong()).replace(".", "\\.")
                    + " +" + b.get("id").asText() + "$");
        }
        assertThat(parse(run("bills", "--json", "--node", url(till1)).out())).isEqualTo(api.get("/api/bills").body());
        assertThat(parse(run("bills", "--day", day, "--json", "--node", url(till1)).out())).hasSize(BILLS.size());

        JsonNode wine = BILLS.get(1);
        Run one = run("bills", wine.get("id").asText(), "--node", url(till1));
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).containsPattern("(?m)^receipt +" + wine.get("receiptNumber").asText() + "$")
                .contains("Red wine 0.75 l", "Rye bread", "AUTH-77")
                .containsPattern("(?m)^customer +M\u00fcller, \"Jo\"\\\\nline two$")
                .containsPattern("(?m)^change +" + money(wine.get("change").asLong()).replace(".", "\\.") + "$")
                .containsPattern("(?m)^card +" + money(500).replace(".", "\\.") + " ");
        assertThat(parse(run("bills", wine.get("id").asText(), "--json", "--node", url(till1)).out()))
                .isEqualTo(api.get("/api/bills/" + wine.get("id").asText()).body());
    }

    @Test
    void salesShowsTheDaysTotalsByTillAndTender() {
        JsonNode report = api.get("/api/reports/sales?day=" + day).body();
        Run r = run("sales", "--day", day, "--node", url(till1));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode t = report.at("/byTill/till-1");
        assertThat(r.out()).contains("sales of " + day + ": " + BILLS.size() + " bills")
                .containsPattern("(?m)^till-1 +" + BILLS.size() + " +" + money(t.get("total").asLong()).replace(".", "\\."));
        report.get("byTender").fields().forEachRemaining(e ->
                assertThat(r.out()).containsPattern("(?m)^" + e.getKey() + " +" + money(e.getValue().asLong()).replace(".", "\\.") + "$"));
        assertThat(parse(run("sales", "--day", day, "--json", "--node", url(till1)).out())).isEqualTo(report);
        String dayBefore = LocalDate.parse(day).minusDays(1).toString();
        assertThat(run("sales", "--day", dayBefore, "--node", url(till1)).out()).isEqualTo("no sales on " + dayBefore + System.lineSeparator());
        // Without --day the node's own today is used: the same day the bills were just made on.
        assertThat(parse(run("sales", "--json", "--node", url(till1)).out()).get("day").asText())
                .isEqualTo(api.get("/api/reports/sales").body().get("day").asText());
    }

    @Test
    void exportBillsWritesOneCsvRowPerBillThatParsesBack() throws Exception {
        Path file = dir.resolve("bills.csv");
        Run r = run("export", "bills", "--day", day, "--out", file.toString(), "--node", url(till1));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + BILLS.size() + " bills rows of " + day);
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(csv).isEqualTo(run("export", "bills", "--day", day, "--node", url(till1)).out());

        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv)).getRecords();
        assertThat(rows).hasSize(BILLS.size());
        for (int i = 0; i < BILLS.size(); i++) {
            JsonNode b = BILLS.get(i);
            CSVRecord row = rows.get(i);
            assertThat(row.get("id")).isEqualTo(b.get("id").asText());
            assertThat(row.get("number")).isEqualTo(b.get("number").asText());
            assertThat(row.get("till")).isEqualTo("till-1");
            assertThat(row.get("business_day")).isEqualTo(day);
            assertThat(Long.parseLong(row.get("total"))).isEqualTo(b.get("total").asLong());
            assertThat(Long.parseLong(row.get("tax"))).isEqualTo(b.get("tax").asLong());
            assertThat(row.get("customer")).isEqualTo(b.get("customer").asText());
            long tendered = 0;
            for (String type : List.of("cash", "card", "wallet", "custom")) {
                long expected = 0;
                for (JsonNode t : b.get("tenders")) {
                    expected += t.get("type").asText().equals(type) ? t.get("amount").asLong() : 0;
                }
                assertThat(Long.parseLong(row.get(type))).as(type).isEqualTo(expected);
                tendered += expected;
            }
            assertThat(tendered).isEqualTo(b.get("total").asLong());
        }
        assertThat(rows.get(1).get("customer")).isEqualTo(AWKWARD_CUSTOMER);
        JsonNode asJson = parse(run("export", "bills", "--day", day, "--json", "--node", url(till1)).out());
        assertThat(asJson).hasSize(BILLS.size());
        for (int i = 0; i < BILLS.size(); i++) {
            assertThat(asJson.get(i)).isEqualTo(api.get("/api/bills/" + BILLS.get(i).get("id").asText()).body());
        }
        assertThat(rows.get(1).get("card")).isEqualTo("500");
    }

    @Test
    void exportSalesWritesTheReportAsCsv() throws Exception {
        JsonNode report = api.get("/api/reports/sales?day=" + day).body();
        Run r = run("export", "sales", "--day", day, "--node", url(till1));
        assertThat(r.exit()).as(r.err()).isZero();
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(r.out())).getRecords();
        assertThat(rows).hasSize(report.get("byTill").size() + report.get("byTender").size());
        CSVRecord till = rows.get(0);
        JsonNode t = report.at("/byTill/till-1");
        assertThat(till.get("kind")).isEqualTo("till");
        assertThat(till.get("name")).isEqualTo("till-1");
        assertThat(Long.parseLong(till.get("bills"))).isEqualTo(BILLS.size());
        assertThat(Long.parseLong(till.get("net"))).isEqualTo(t.get("net").asLong());
        long tenderSum = 0;
        for (CSVRecord row : rows.subList(1, rows.size())) {
            assertThat(row.get("kind")).isEqualTo("tender");
            assertThat(Long.parseLong(row.get("net"))).isEqualTo(report.get("byTender").get(row.get("name")).asLong());
            tenderSum += Long.parseLong(row.get("net"));
        }
        assertThat(tenderSum).isEqualTo(report.get("total").asLong());
    }

    @Test
    void anUnreachableNodeIsOneErrorLineAndExitOne() throws Exception {
        String url = "http://127.0.0.1:" + freePort();
        for (String command : List.of("status", "peers", "stock", "bills", "sales")) {
            Run r = run(command, "--node", url);
            assertThat(r.exit()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).startsWith("error: cannot reach node at " + url + ": ").hasLineCount(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void aGuardedNodeNeedsTheToken() {
        String url = url(guarded);
        Run without = run("stock", "--node", url);
        assertThat(without.exit()).isEqualTo(1);
        assertThat(without.err()).isEqualTo("error: the node needs --api-token" + System.lineSeparator());

        Run wrong = run("bills", "--node", url, "--api-token", "nope");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("refused the --api-token");

        Run with = run("stock", "BREAD", "--node", url, "--api-token", TOKEN);
        assertThat(with.exit()).as(with.err()).isZero();
        assertThat(with.out()).containsPattern("(?m)^BREAD +0$");
        // GET /api/status is open, so status works without the token.
        assertThat(run("status", "--node", url).out()).containsPattern("(?m)^node +till-9$");
    }

    @Test
    void budgetsSetsATotalAndListsItWithEachLanesShare() {
        String url = url(guarded);
        Run set = run("budgets", "set", "STAMP", "7.5", "--node", url, "--api-token", TOKEN);
        assertThat(set.exit()).as(set.err()).isZero();
        JsonNode budget = new ApiClient(guarded.httpPort()).withToken(TOKEN).get("/api/budgets/STAMP").body();
        assertThat(budget.get("total").decimalValue()).isEqualByComparingTo("7.5");
        Run list = run("budgets", "--node", url, "--api-token", TOKEN);
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("(?m)^STAMP +7\\.5 +0 +7\\.5 *$")
                .containsPattern("(?m)^STAMP +till-9 +" + guarded.log().origin() + " +7\\.5 +0 +yes *$");
        Run json = run("budgets", "STAMP", "--json", "--node", url, "--api-token", TOKEN);
        assertThat(parse(json.out())).isEqualTo(budget);
        Run bad = run("budgets", "set", "STAMP", "lots", "--node", url, "--api-token", TOKEN);
        assertThat(bad.exit()).isEqualTo(StoreLogCli.USAGE);
        Run refused = run("budgets", "set", "NO-SUCH", "3", "--node", url, "--api-token", TOKEN);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("unknown SKU 'NO-SUCH'");
    }

    @Test
    void badFlagsAreUsageErrors() {
        Run unknown = run("stock", "--bogus", "--node", url(till1));
        assertThat(unknown.exit()).isEqualTo(StoreLogCli.USAGE);
        assertThat(unknown.err()).startsWith("storelog: Unknown option: '--bogus'");

        Run badDay = run("sales", "--day", "2024-13-01", "--node", url(till1));
        assertThat(badDay.exit()).isEqualTo(StoreLogCli.USAGE);
        assertThat(badDay.err()).isEqualTo("storelog: --day '2024-13-01' is not a date YYYY-MM-DD" + System.lineSeparator());

        Run badUrl = run("status", "--node", "localhost:8080");
        assertThat(badUrl.exit()).isEqualTo(StoreLogCli.USAGE);
        assertThat(badUrl.err()).contains("--node 'localhost:8080' must be http://HOST:PORT");

        Run badWhat = run("export", "stock", "--node", url(till1));
        assertThat(badWhat.exit()).isEqualTo(StoreLogCli.USAGE);
        assertThat(badWhat.err()).contains("export takes bills or sales, not 'stock'");
    }

    // ---- helpers ----

    /** What one command run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = StoreLogCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        System.out.println("@@@ " + String.join(" ", args) + " => " + exit + "\n" + out + err);
        System.out.println("@@@ " + String.join(" ", args) + " => " + exit + "\n" + out + err);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void sell(String lines, String tenders, String customer) {
        Response r = api.post("/api/bills", "{\"clientBillId\":\"" + UUID.randomUUID() + "\",\"lines\":" + lines
                + ",\"tenders\":" + tenders + ",\"customer\":" + ApiClient.JSON.valueToTree(customer) + "}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        BILLS.add(r.body());
    }

    private static String money(long minor) {
        String code = api.get("/api/status").body().get("currency").asText();
        return Decimals.formatMinor(minor, Currency.getInstance(code).getDefaultFractionDigits());
    }

    private static JsonNode parse(String text) {
        try {
            return ApiClient.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String url(StoreNode node) {
        return "http://127.0.0.1:" + node.httpPort();
    }

    private static Map<String, String> peering(int own, int other) {
        return Map.of(ConfigKeys.PEER_PORT, String.valueOf(own), ConfigKeys.PEER_BIND, "127.0.0.1",
                ConfigKeys.PEER_PEERS, "127.0.0.1:" + other, ConfigKeys.STORE_KEY, "console-test-key");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
