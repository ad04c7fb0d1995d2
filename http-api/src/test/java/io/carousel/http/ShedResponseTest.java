package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.http.javadsl.model.HttpResponse;
import akka.pattern.StatusReply;
import io.carousel.engine.ScoringModel;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ShedResponseTest {
  @Test
  void aShedScoringRequestIs503WithRetryAfter() {
    HttpResponse r =
        ErrorMapping.fromFailure(
            new CompletionException(new StatusReply.ErrorMessage(ScoringModel.OVERLOADED)));
    assertEquals(503, r.status().intValue());
    assertEquals("1", r.getHeader("Retry-After").orElseThrow().value());
    assertEquals("application/problem+json", r.entity().getContentType().toString());
  }

  @Test
  void otherScoringFailuresStay503WithoutRetryAfter() {
    HttpResponse r = ErrorMapping.fromFailure(new StatusReply.ErrorMessage("scoring failed: boom"));
    assertEquals(503, r.status().intValue());
    assertFalse(r.getHeader("Retry-After").isPresent());
    assertTrue(r.entity().getContentType().toString().contains("problem+json"));
  }
}
