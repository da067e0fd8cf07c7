package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import dev.torpor.testing.HeadlessChromium;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of edge-a in a real headless Chromium, with edge-b its peer: the fleet shows both nodes, an instance
 * migrated to edge-b with the page's Migrate dialog leaves edge-a's instances and shows under edge-b, and keeps its state.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DashboardFleetIT extends TwoNodeCase {
    @TempDir
    Path profile;

    @Test
    void anInstanceMigratedFromThePageShowsOnItsNewNode() throws Exception {
        assertThat(nodes.a.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        assertThat(nodes.a.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);
        String id = nodes.a.instanceOf("counter").get("instanceId").asText();

        try (HeadlessChromium browser = new HeadlessChromium(profile)) {
            DashboardPage page = new DashboardPage(browser);
            browser.navigate(nodes.a.endpoint() + "/ui/");
            page.awaitState(id, "IDLE", () -> nodes.a.instance(id).get("state").asText());
            Await.until("the fleet shows edge-b", () ->
                    browser.evaluate("!!document.querySelector('#fleet [data-node=\"edge-b\"]')").asBoolean(), DashboardPage.PAGE);

            Await.until("each node's moves under way show, none yet", () -> browser.evaluate(
                    "[...document.querySelectorAll('#fleet .moves')].map(m => m.textContent).join('|')").asText()
                    .equals("moves under way: none|moves under way: none"), DashboardPage.PAGE);
            page.press(id, "migrate", "target", "edge-b", "mode", "stop-and-copy");
            page.awaitState(id, "absent", () -> "its instances are " + nodes.a.instances());
            Await.until("the fleet shows counter on edge-b", () -> browser.evaluate(
                    "document.querySelector('#fleet [data-node=\"edge-b\"]').textContent").asText().contains("counter"), DashboardPage.PAGE);
        }
        assertThat(nodes.a.invoke("counter", "{}").get("count").asInt()).as("the moved counter, through edge-a").isEqualTo(2);
    }
}
