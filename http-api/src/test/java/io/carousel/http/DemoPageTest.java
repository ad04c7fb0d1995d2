package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live demo page end to end in headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, driven by Selenium): it shows the catalogue and a live slate with reasons;
 * clicking an item sends a click event and the slate updates over the WebSocket. The screenshot is
 * saved as {@code http-api/target/demo-page.png}. Skips when the browser or driver is missing
 * ({@code .ci/run} installs both).
 */
class DemoPageTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private static WebDriver startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static String text(WebDriver d, String css) {
    return d.findElement(By.cssSelector(css)).getText();
  }

  @Test
  void clickInTheBrowserUpdatesTheSlateOverWebSocket() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "Debian chromium and chromium-driver are not installed");
    try (TestNode node = new TestNode()) {
      WebDriver browser = startBrowser();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(node.base() + "/demo");
        wait.until(d -> d.findElements(By.cssSelector("#slate li")).size() == 10);
        assertTrue(browser.findElements(By.cssSelector("#catalogue .item")).size() >= 40);
        String user = browser.findElement(By.id("user")).getAttribute("value");
        String firstSlate = browser.findElement(By.id("slate")).getAttribute("data-slate-id");
        assertTrue(
            !text(browser, "#slate li .reason").isBlank(), "every slate item shows a reason");
        var first = browser.findElement(By.cssSelector("#slate li"));
        String clicked = first.getAttribute("data-item");

        first.click();
        wait.until(
            d ->
                !firstSlate.equals(d.findElement(By.id("slate")).getAttribute("data-slate-id"))
                    && text(d, "#slate-meta").contains("event"));
        wait.until(d -> "1".equals(d.findElement(By.id("profile")).getAttribute("data-events")));
        String newFirst =
            browser.findElement(By.cssSelector("#slate li")).getAttribute("data-item");
        assertNotEquals(clicked, newFirst, "the clicked item leaves the slate");

        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "demo-page.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "screenshot saved");

        // A never-seen visitor's first slate is served but not logged (reads of unknown users
        // write nothing), so that click earns no reward; the slate pushed after it is logged, and
        // a click on it is the reward.
        String secondSlate = browser.findElement(By.id("slate")).getAttribute("data-slate-id");
        assertTrue(!secondSlate.isBlank(), "the known shopper's slate is logged: " + secondSlate);
        browser.findElement(By.cssSelector("#slate li")).click();
        wait.until(d -> "2".equals(d.findElement(By.id("profile")).getAttribute("data-events")));

        HttpResponse<String> profile =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(node.base() + "/v1/users/" + user)).build(),
                    HttpResponse.BodyHandlers.ofString());
        var p = Json.MAPPER.readTree(profile.body());
        assertEquals(2, p.get("eventsByType").get("click").asInt());
        assertEquals(clicked, p.get("recentItems").get(0).asText());
        assertEquals(
            1, p.get("rewardsObserved").asInt(), "a click on a logged slate's item is a reward");
      } finally {
        browser.quit();
      }
    }
  }
}
