package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /api/events over plain HTTP: it needs the API token like every other call, streams a summary
 * (status and today's sales) at once, again within a fraction of a second after a bill is durable
 * (before the next one-second tick could explain it), and then every second while nothing happens.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventStreamHttpTest {
    private static final String TOKEN = "events-token";

    @TempDir
    Path dir;

    @Test
    void streamsTheSummaryAtOnceOnEveryBillAndEverySecond() throws Exception {
        try (StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HTTP_API_TOKEN, TOKEN)))) {
            await().atMost(Duration.ofSeconds(10)).until(node::ready);
            HttpClient http = HttpClient.newHttpClient();
            URI events = URI.create("http://127.0.0.1:" + node.httpPort() + "/api/events");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("Authorization: Bearer");

            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(events)
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            BlockingQueue<JsonNode> summaries = new LinkedBlockingQueue<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> stream.body()
                    .filter(line -> line.startsWith("data: "))
                    .forEach(line -> summaries.add(parse(line.substring(6)))));
            try {
                JsonNode first = summaries.poll(5, TimeUnit.SECONDS);
                assertThat(first).as("a summary as soon as the stream opens").isNotNull();
                assertThat(first.get("status").get("nodeId").asText()).isEqualTo("till-1");
                assertThat(first.get("sales").get("bills").asLong()).isZero();

                ApiClient api = new ApiClient(node.httpPort()).withToken(TOKEN);
                summaries.clear();
                ApiClient.Response bill = api.post("/api/bills", ApiClient.JSON.readTree(
                        "{\"clientBillId\":\"sse-1\",\"lines\":[{\"sku\":\"WINE\",\"qty\":1}],\"tenders\":[{\"type\":\"card\",\"reference\":\"A1\"}]}"));
                assertThat(bill.status()).isEqualTo(201);
                long answeredAt = System.nanoTime();
                JsonNode afterBill = null;
                while (afterBill == null || afterBill.get("sales").get("bills").asLong() == 0) {
                    afterBill = summaries.poll(2, TimeUnit.SECONDS);
                    assertThat(afterBill).as("a summary after the bill").isNotNull();
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredAt);
                assertThat(ms).as("pushed on the durable entry, not on the next tick").isLessThan(600);
                assertThat(afterBill.get("sales").get("total").asLong()).isEqualTo(899);
                assertThat(afterBill.get("sales").get("byTender").get("card").asLong()).isEqualTo(899);
                assertThat(afterBill.get("status").get("log").get("entries").asLong()).isEqualTo(api.entries());

                summaries.clear();
                long quietFrom = System.nanoTime();
                assertThat(summaries.poll(3, TimeUnit.SECONDS)).isNotNull();
                assertThat(summaries.poll(3, TimeUnit.SECONDS)).isNotNull();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietFrom)).as("two ticks about a second apart")
                        .isBetween(1000L, 3500L);
            } finally {
                stream.body().close();
                reader.cancel(true);
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return ApiClient.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
