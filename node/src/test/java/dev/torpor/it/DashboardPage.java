package dev.torpor.it;

import dev.torpor.testing.Await;
import dev.torpor.testing.HeadlessChromium;
import java.time.Duration;
import java.util.function.Supplier;

/** The dashboard as a user works it in a real browser: what an instance's card says, and its buttons pressed. */
final class DashboardPage {
    static final Duration PAGE = Duration.ofSeconds(60);

    private final HeadlessChromium browser;

    DashboardPage(HeadlessChromium browser) {
        this.browser = browser;
    }

    /** A script expression for the card of instance {@code id}. */
    static String card(String id) {
        return "document.querySelector('[data-instance-id=\"" + id + "\"]')";
    }

    /** The state the page shows for the instance, "absent" without a card. */
    String state(String id) {
        return browser.evaluate("(" + card(id) + "?.querySelector('.state')?.textContent) || 'absent'").asText();
    }

    /** The status line at the top, where actions tell how they went. */
    String status() {
        return browser.evaluate("document.getElementById('status').textContent").asText();
    }

    void awaitState(String id, String state, Supplier<String> onTheNode) {
        Await.matching(id + " shows " + state + " on the page", () -> state(id), state::equals, PAGE,
                () -> "the node says " + onTheNode.get() + "; the page's status line: " + status());
    }

    /**
     * Presses an instance's action button, sets the dialog's fields ({@code name, value} pairs), presses Confirm and
     * waits for the page to say it is done.
     */
    void press(String id, String action, String... fields) {
        pressIn(card(id), action, (action.endsWith("e") ? action + "d" : action + "ed"), fields);
    }

    /** As {@link #press}, for the button of {@code action} inside the element of the script expression {@code within}. */
    void pressIn(String within, String action, String done, String... fields) {
        String button = within + ".querySelector('[data-action=" + action + "]')";
        Await.until(action + " can be pressed", () -> browser.evaluate("!" + button + ".disabled").asBoolean(), PAGE);
        browser.evaluate(button + ".click()");
        Await.until("the confirmation is open", () -> browser.evaluate("document.getElementById('confirm').open").asBoolean(), PAGE);
        for (int i = 0; i < fields.length; i += 2) {
            browser.evaluate("document.querySelector('#confirm [name=" + fields[i] + "]').value = '" + fields[i + 1] + "'");
        }
        browser.evaluate("document.getElementById('confirm-ok').click()");
        Await.matching("the page says " + done, this::status, done::equals, PAGE);
    }
}
