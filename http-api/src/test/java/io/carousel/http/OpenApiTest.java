package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carousel.http.ingest.ItemIngest;
import io.carousel.http.slates.SlateCache;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the route table agree, both ways, and every route answers. */
class OpenApiTest extends HttpTestBase {

  private static JsonNode spec() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  private static Set<String> names(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static Set<String> components(Class<?> record) {
    Set<String> out = new TreeSet<>();
    for (var c : record.getRecordComponents()) {
      out.add(c.getName());
    }
    return out;
  }

  /**
   * The spec's event {@code type} and the parser agree on every spelling (the spec had an enum of
   * the four lower-case names while the parser took "CLICK", " Add-To-Cart " and "order").
   */
  @Test
  void eventTypePatternAcceptsExactlyWhatTheParserAccepts() throws Exception {
    JsonNode type = spec().at("/components/schemas/Event/properties/type");
    assertTrue(type.get("enum") == null, "no enum the parser does not keep to");
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(type.get("pattern").asText());
    Set<String> canonical = new TreeSet<>();
    type.get("x-canonical-values").forEach(v -> canonical.add(v.asText()));
    Set<String> wire = new TreeSet<>();
    for (io.carousel.policy.EventType t : io.carousel.policy.EventType.values()) {
      wire.add(t.wireName());
    }
    assertEquals(wire, canonical);
    String[] samples = {
      "view", "click", "add_to_cart", "purchase", "CLICK", "Click", " view ", "\tpurchase\n",
      "add-to-cart", "ADD_TO-CART", "cart", "Cart", "addtocart", "AddToCart", "order", "ORDER",
      "transaction", "Transaction", "", " ", "clicks", "buy", "add to cart", "add__to_cart",
      "vi ew", "click,view", "clic\u212A", "v\u0130ew", "purchase.", "null", "carts"
    };
    for (String s : samples) {
      boolean parsed;
      try {
        io.carousel.policy.EventType.fromWire(s);
        parsed = true;
      } catch (IllegalArgumentException e) {
        parsed = false;
      }
      assertEquals(parsed, pattern.matcher(s).matches(), "'" + s + "'");
    }
  }

  @Test
  void slateTriggerEnumHoldsEveryTriggerTheCodeServes() throws Exception {
    Set<String> documented = new TreeSet<>();
    spec()
        .at("/components/schemas/Slate/properties/trigger/enum")
        .forEach(v -> documented.add(v.asText()));
    Set<String> served = new TreeSet<>(io.carousel.user.UserProfile.triggers());
    served.add(SlateCache.CACHED);
    assertEquals(served, documented);
  }

  @Test
  void itemRoutesDocumentTheirResponses() throws Exception {
    JsonNode spec = spec();
    JsonNode delete = spec.at("/paths/~1v1~1items~1{itemId}/delete/responses");
    assertEquals(Set.of("204", "400", "404", "429"), names(delete));
    JsonNode upsert = spec.at("/paths/~1v1~1items/put/responses/200/content/application~1json");
    assertEquals(
        "#/components/schemas/ItemUpsertResult",
        upsert.at("/schema/$ref").asText(),
        upsert.toString());
    JsonNode result = spec.at("/components/schemas/ItemUpsertResult");
    assertEquals(components(ItemIngest.UpsertResult.class), names(result.get("properties")));
    assertEquals(
        components(ItemIngest.LineResult.class),
        names(result.at("/properties/results/items/properties")));
  }

  /**
   * Every slate names the model version that made it, and the spec says so; the model routes
   * document their 202 and the 409s of issue 16 item 5 (retrain while one runs, rollback with no
   * earlier version), and {@code GET /v1/model} names what {@code ModelService.status} answers.
   */
  @Test
  void slatesCarryTheModelVersionAndModelRoutesDocumentTheirConflicts() throws Exception {
    JsonNode spec = spec();
    assertTrue(
        components(io.carousel.http.slates.SlateResponse.class).contains("modelVersion"),
        "SlateResponse has modelVersion");
    assertEquals(
        components(io.carousel.http.slates.SlateResponse.class),
        names(spec.at("/components/schemas/Slate/properties")));
    assertTrue(
        spec.at("/components/schemas/Slate/properties/modelVersion/description")
            .asText()
            .contains("carousel_model_version_info"));
    assertEquals(
        Set.of("202", "409", "429", "503"),
        names(spec.at("/paths/~1v1~1model~1retrain/post/responses")));
    assertEquals(
        Set.of("200", "409", "429", "503"),
        names(spec.at("/paths/~1v1~1model~1rollback/post/responses")));
    assertEquals(
        Set.of("retrainId", "state", "startedAt", "servingVersion"),
        names(
            spec.at(
                "/paths/~1v1~1model~1retrain/post/responses/202/content/application~1json/schema/properties")));
    io.carousel.http.model.ModelService service =
        new io.carousel.http.model.ModelService(
            new StubTrainer(),
            "v1",
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            java.time.Clock.systemUTC());
    assertEquals(
        names(service.status()),
        names(
            spec.at(
                "/paths/~1v1~1model/get/responses/200/content/application~1json/schema/properties")));
  }

  /** A registry with one promoted version and nothing to roll back to. */
  static final class StubTrainer implements io.carousel.http.model.ModelTrainer {
    @Override
    public JsonNode retrain() {
      return Json.MAPPER.createObjectNode().put("version", "v2").put("decision", "rejected");
    }

    @Override
    public String currentVersion() {
      return "v1";
    }

    @Override
    public java.util.List<JsonNode> decisions() {
      return java.util.List.of(
          Json.MAPPER.createObjectNode().put("version", "v1").put("decision", "promoted"));
    }

    @Override
    public JsonNode rollback() {
      throw new Conflict("no promoted version before v1");
    }
  }

  private static Set<String> specRoutes() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
      JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(in);
      assertEquals("3.0.3", spec.get("openapi").asText());
      Set<String> routes = new TreeSet<>();
      spec.get("paths")
          .fields()
          .forEachRemaining(
              p ->
                  p.getValue()
                      .fieldNames()
                      .forEachRemaining(m -> routes.add(m.toUpperCase() + " " + p.getKey())));
      return routes;
    }
  }

  @Test
  void specDocumentsExactlyTheRouteTable() throws Exception {
    assertEquals(new TreeSet<>(CarouselRoutes.ROUTE_TABLE), specRoutes());
  }

  @Test
  void everyDocumentedRouteAnswers() throws Exception {
    for (String route : specRoutes()) {
      String method = route.substring(0, route.indexOf(' '));
      String path =
          route
              .substring(route.indexOf(' ') + 1)
              .replace("{userId}", "openapi-user")
              .replace("{itemId}", "item-39");
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(node.base() + path));
      req =
          switch (method) {
            case "POST", "PUT" ->
                req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}"));
            default -> req.method(method, HttpRequest.BodyPublishers.noBody());
          };
      int status = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      assertNotEquals(404, status, route + " is routed");
      assertNotEquals(405, status, route + " accepts its method");
    }
    HttpResponse<String> missing =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(node.base() + "/v1/undocumented")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode(), "a path outside the spec is not routed");
    assertTrue(missing.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
  }
}
