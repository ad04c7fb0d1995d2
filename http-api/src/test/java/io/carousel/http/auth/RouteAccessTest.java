package io.carousel.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The access table's defaults: /metrics admin unless configured open; unknown routes admin. */
class RouteAccessTest {
  @Test
  void metricsNeedAdminUnlessConfiguredOpenAndAnUnlistedRouteNeedsAdmin() {
    assertEquals(Scope.ADMIN, RouteAccess.of("GET /metrics", false).scope());
    assertTrue(RouteAccess.of("GET /metrics", true).open());
    assertFalse(RouteAccess.of("GET /v1/stats", true).open());
    assertEquals(Scope.ADMIN, RouteAccess.of("POST /v1/models/retrain", false).scope());
    assertFalse(AuthSettings.fromConfig(ConfigFactory.load()).metricsOpen());
    assertTrue(
        AuthSettings.fromConfig(
                ConfigFactory.parseMap(Map.of("carousel.http.auth.metrics-open", true))
                    .withFallback(ConfigFactory.load()))
            .metricsOpen());
  }
}
