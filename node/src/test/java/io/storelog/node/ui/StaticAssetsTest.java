package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.api.ApiResponse;
import io.storelog.node.api.StaticAssets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pages, their scripts and the WebJar chart library come from the jar; nothing outside the asset folders does. */
class StaticAssetsTest {
    private final StaticAssets assets = new StaticAssets(Map.of("", "till.html", "dashboard", "dashboard.html"));

    @Test
    void servesPagesScriptsAndTheChartLibraryFromTheJar() {
        ApiResponse till = assets.serve(List.of()).orElseThrow();
        assertThat(till.contentType()).startsWith("text/html");
        assertThat(new String(till.body(), StandardCharsets.UTF_8)).contains("id=\"offline-banner\"", "/assets/js/till.js");
        String dashboard = new String(assets.serve(List.of("dashboard")).orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(dashboard).contains("/webjars/echarts/5.3.1/dist/echarts.min.js");
        ApiResponse echarts = assets.serve(List.of("webjars", "echarts", "5.3.1", "dist", "echarts.min.js")).orElseThrow();
        assertThat(echarts.contentType()).startsWith("text/javascript");
        assertThat(echarts.body().length).isGreaterThan(500_000);
        assertThat(assets.serve(List.of("assets", "js", "till.js")).orElseThrow().contentType()).startsWith("text/javascript");
        assertThat(assets.serve(List.of("assets", "css", "storelog.css")).orElseThrow().contentType()).startsWith("text/css");
    }

    @Test
    void refusesAnythingOutsideTheAssetFolders() {
        assertThat(assets.serve(List.of("assets", "..", "io", "storelog", "node", "StoreNode.class"))).isEmpty();
        assertThat(assets.serve(List.of("assets", "../../logback.xml"))).isEmpty();
        assertThat(assets.serve(List.of("webjars", "..", "..", "MANIFEST.MF"))).isEmpty();
        assertThat(assets.serve(List.of("assets", "js", "missing.js"))).isEmpty();
        assertThat(assets.serve(List.of("hq.html"))).as("only the configured pages").isEqualTo(Optional.empty());
        assertThat(assets.serve(List.of("assets"))).isEmpty();
    }
}
