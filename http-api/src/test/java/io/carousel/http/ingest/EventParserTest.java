package io.carousel.http.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.policy.EventType;
import org.junit.jupiter.api.Test;

class EventParserTest {

  private static String field(String json) {
    return assertThrows(EventParser.InvalidInput.class, () -> EventParser.parse(json)).field();
  }

  @Test
  void parsesIsoAndEpochTimestamps() throws Exception {
    EventRequest iso =
        EventParser.parse(
            "{\"eventId\":\"e1\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"add_to_cart\","
                + "\"timestamp\":\"2018-05-20T10:00:00Z\",\"slateId\":\"u/3\"}");
    assertEquals(1526810400000L, iso.timestampMs());
    assertEquals(EventType.ADD_TO_CART, iso.type());
    assertEquals("u/3", iso.slateId());
    EventRequest epoch =
        EventParser.parse(
            "{\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1526810400000}");
    assertEquals(1526810400000L, epoch.timestampMs());
    assertNull(epoch.slateId());
    assertTrue(epoch.eventId().startsWith("h-"), "content-derived id when eventId is absent");
    assertEquals(
        epoch.eventId(),
        EventParser.parse(
                "{\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"click\",\"timestamp\":1526810400000}")
            .eventId());
  }

  @Test
  void rejectsMalformedJsonWithoutField() {
    assertNull(field("{\"userId\": \"u\", "));
    assertNull(field("[1,2]"));
    assertNull(field("{\"userId\":\"u\"} trailing"));
  }

  @Test
  void namesTheOffendingField() {
    String ok = "\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":1";
    assertEquals("userId", field("{\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":1}"));
    assertEquals("userId", field("{" + ok.replace("\"u\"", "42") + "}"));
    assertEquals("userId", field("{" + ok.replace("\"u\"", "\"\"") + "}"));
    assertEquals("userId", field("{" + ok.replace("\"u\"", "\"a\\u0007b\"") + "}"));
    assertEquals("itemId", field("{" + ok.replace("\"i\"", "\"" + "x".repeat(257) + "\"") + "}"));
    assertEquals("type", field("{" + ok.replace("view", "teleport") + "}"));
    assertEquals("timestamp", field("{" + ok.replace(":1", ":\"yesterday\"") + "}"));
    assertEquals("timestamp", field("{" + ok.replace(":1", ":-5") + "}"));
  }
}
