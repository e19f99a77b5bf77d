package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distvault.server.status.StatusAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser: Debian's headless chromium, driven by its chromedriver through
 * Selenium, loads the page of a server with sets and violations ({@link StatusFixture}) and the
 * test reads the DOM as a user would see it, comparing its numbers with the admin API's. Leaves a
 * screenshot in {@code target/status-page.png}. Skipped where chromium is not installed ({@code
 * .ci/run} installs it).
 */
@Timeout(180)
class StatusPageBrowserIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir static Path data;
  static StatusFixture f;
  static WebDriver browser;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver");
    f = StatusFixture.start(data, StatusAccess.PUBLIC);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--disable-dev-shm-usage", "--window-size=1280,1900");
    if ("root".equals(System.getProperty("user.name"))) {
      options.addArguments("--no-sandbox"); // chromium refuses to start as root with its sandbox
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (f != null) {
      f.server.close();
    }
  }

  private static JsonNode api(String path) throws IOException {
    return JSON.readTree(f.server.admin().get(path).asString());
  }

  private static List<WebElement> rows(String table) {
    List<WebElement> rows = new ArrayList<>(browser.findElements(By.cssSelector("#" + table + " tr")));
    rows.remove(0); // the header
    return rows;
  }

  private static String cell(WebElement row, String cls) {
    return row.findElement(By.cssSelector("td." + cls.replace(" ", "."))).getText();
  }

  @Test
  void thePageShowsWhatTheApiSays() throws IOException {
    browser.get(f.server.base() + "/");
    assertEquals("distvault status", browser.getTitle());
    assertEquals("offline", browser.findElement(By.id("mode")).getText());

    JsonNode sets = api("/api/v1/sets").path("sets");
    List<WebElement> setRows = browser.findElements(By.cssSelector("#sets tr[data-set]"));
    assertEquals(3, sets.size());
    assertEquals(sets.size(), setRows.size());
    for (int i = 0; i < sets.size(); i++) {
      JsonNode set = sets.get(i);
      WebElement row = setRows.get(i);
      assertEquals(set.path("name").asText(), row.getAttribute("data-set"));
      assertEquals(set.path("state").asText(), cell(row, "state"));
      assertEquals(set.path("seal").path("digest").asText(""), cell(row, "seal"));
      for (String count : new String[] {"entries", "present", "missing", "failed"}) {
        assertEquals(set.path(count).asText(), cell(row, "n " + count), set.path("name") + " " + count);
      }
    }
    assertEquals(f.sealOfA.digest(), cell(setRows.get(0), "seal"));

    JsonNode violations = api("/api/v1/violations").path("violations");
    List<WebElement> recent = rows("violations");
    assertEquals(StatusFixture.VIOLATIONS, violations.size());
    assertEquals(violations.size(), recent.size());
    for (int i = 0; i < recent.size(); i++) {
      assertEquals(violations.get(violations.size() - 1 - i).path("name").asText(), cell(recent.get(i), "distfile"));
    }

    JsonNode report = api("/api/v1/report?set=default");
    assertEquals(report.path("violations").asText(), browser.findElement(By.id("report-count")).getText());
    List<WebElement> reportRows = rows("report");
    int i = 0;
    for (JsonNode p : report.path("packages")) {
      for (JsonNode d : p.path("distfiles")) {
        WebElement row = reportRows.get(i++);
        assertEquals(p.path("pkgpath").asText(), cell(row, "package"));
        assertEquals(d.path("name").asText(), cell(row, "distfile"));
        assertEquals(d.path("kind").asText(), cell(row, "kind"));
        assertEquals(d.path("count").asText(), cell(row, "n count"));
        assertEquals(d.path("reason").asText(), cell(row, "reason"), "markup in the reason shows as text");
      }
    }
    assertEquals(i, reportRows.size());

    assertEquals(3, browser.findElements(By.cssSelector("svg#rates polyline")).size());
    assertEquals(String.valueOf(StatusFixture.HITS), browser.findElement(By.id("total-hits")).getText());
    assertEquals(String.valueOf(StatusFixture.VIOLATIONS), browser.findElement(By.id("total-violations")).getText());
    assertFalse(browser.getPageSource().contains("127.0.0.1"), "no client address on the public page");
    assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "no script ran");

    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, Path.of("target", "status-page.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theFormChoosesTheSetWithoutScript() throws IOException {
    browser.get(f.server.base() + "/status");
    new Select(browser.findElement(By.name("set"))).selectByValue("A");
    browser.findElement(By.cssSelector("form button")).click();
    // The click starts the navigation; wait (bounded) for the new page instead of racing it.
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(ExpectedConditions.urlToBe(f.server.base() + "/status?set=A"));
    assertEquals(f.server.base() + "/status?set=A", browser.getCurrentUrl());
    assertEquals("A", browser.findElement(By.id("report-set")).getText());
    JsonNode report = api("/api/v1/report?set=A");
    assertEquals(report.path("violations").asText(), browser.findElement(By.id("report-count")).getText());
    List<WebElement> reportRows = rows("report");
    assertEquals(1, reportRows.size());
    assertEquals("b-1.0.tar.gz", cell(reportRows.get(0), "distfile"));
  }
}
