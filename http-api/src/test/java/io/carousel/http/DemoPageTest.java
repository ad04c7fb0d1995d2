package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The live demo page end to end in headless Chromium: it shows the catalogue and a live slate with
 * reasons; clicking an item sends a click event and the slate updates over the WebSocket. Skips
 * when Debian's {@code chromium} is not installed ({@code .ci/run} installs it).
 */
class DemoPageTest {

  @Test
  void clickInTheBrowserUpdatesTheSlateOverWebSocket() throws Exception {
    Optional<Path> chromium = HeadlessChromium.binary();
    Assumptions.assumeTrue(chromium.isPresent(), "chromium not installed");
    try (TestNode node = new TestNode();
        HeadlessChromium browser = HeadlessChromium.start(chromium.get())) {
      browser.navigate(node.base() + "/demo");
      assertTrue(
          browser.await(
              "document.querySelectorAll('#slate li').length === 10", Duration.ofSeconds(20)),
          "a slate of 10 arrives over the WebSocket");
      assertTrue(
          browser.eval("document.querySelectorAll('#catalogue .item').length").asInt() >= 40);
      String user = browser.eval("document.getElementById('user').value").asText();
      String firstSlate = browser.eval("document.getElementById('slate').dataset.slateId").asText();
      String reason =
          browser.eval("document.querySelector('#slate li .reason').textContent").asText();
      assertTrue(!reason.isBlank(), "every slate item shows a reason");
      String clicked = browser.eval("document.querySelector('#slate li').dataset.item").asText();

      browser.eval("document.querySelector('#slate li').click(); true");
      assertTrue(
          browser.await(
              "document.getElementById('slate').dataset.slateId !== '"
                  + firstSlate
                  + "'"
                  + " && document.getElementById('slate-meta').textContent.includes('event')",
              Duration.ofSeconds(20)),
          "the slate updates after the click");
      assertTrue(
          browser.await(
              "document.getElementById('profile').dataset.events === '1'", Duration.ofSeconds(10)),
          "the page shows the recorded click");
      browser.screenshot(Path.of("target", "demo-page.png"));

      HttpResponse<String> profile =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/" + user)).build(),
                  HttpResponse.BodyHandlers.ofString());
      var p = Json.MAPPER.readTree(profile.body());
      assertEquals(1, p.get("eventsByType").get("click").asInt());
      assertEquals(clicked, p.get("recentItems").get(0).asText());
      assertEquals(1, p.get("rewardsObserved").asInt(), "a click on a served item is a reward");
      String newFirst = browser.eval("document.querySelector('#slate li').dataset.item").asText();
      assertNotEquals(clicked, newFirst, "the clicked item leaves the slate");
    }
  }
}
