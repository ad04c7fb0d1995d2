package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.carousel.offline.bench.cluster.ClusterNode;
import io.carousel.offline.bench.cluster.SyntheticModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogue change made on one node of a two-node cluster reaches the other node's slates, also
 * when the catalogue's full state is far larger than Artery's 256 KiB maximum frame size.
 */
class CatalogueAcrossNodesIT {
  /** Items not in the model, with descriptions: the catalogue's state grows to a few MB. */
  private static final int BULK_ITEMS = 3_000;

  private static final int BULK_BATCH = 1_000;
  private static final int DESCRIPTION_CHARS = 900;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final int USERS = 12;
  private static final int K = 10;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void outOfStockOnNode1AndDeleteOnNode2ReachTheOtherNodesListingAndSlatesInALargeCatalogue(
      @TempDir Path work) throws Exception {
    CassandraNode.ensureRunning();
    Path model = SyntheticModel.create(work);
    ClusterNode.Ports ports = ClusterNode.Ports.free();
    List<ClusterNode> started = new ArrayList<>();
    String outOfStock = null;
    String deleted = null;
    try {
      ClusterNode n1 =
          ClusterNode.launch(1, ports, work, model, CassandraNode.CONTACT_POINT, List.of());
      started.add(n1);
      ClusterNode n2 =
          ClusterNode.launch(2, ports, work, model, CassandraNode.CONTACT_POINT, List.of());
      started.add(n2);
      n1.awaitReady(Duration.ofSeconds(120));
      n2.awaitReady(Duration.ofSeconds(120));
      awaitBothUp(n1, n2, Duration.ofSeconds(60));

      // A catalogue whose full state is > 2.7 MB: before deltas and paged resyncs, neither the
      // publication nor the resync could cross nodes any more, silently.
      long bulkBytes = 0;
      for (int from = 0; from < BULK_ITEMS; from += BULK_BATCH) {
        StringBuilder body = new StringBuilder();
        for (int i = from; i < from + BULK_BATCH; i++) {
          body.append("{\"itemId\":\"bulk-")
              .append(i)
              .append("\",\"title\":\"Bulk item ")
              .append(i)
              .append("\",\"description\":\"")
              .append("d".repeat(DESCRIPTION_CHARS))
              .append("\",\"category\":\"bulk\",\"price\":1.5}\n");
        }
        bulkBytes += body.length();
        HttpResponse<String> bulk =
            send(
                HttpRequest.newBuilder(URI.create(n1.base + "/v1/items"))
                    .header("Content-Type", "application/x-ndjson")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
        // 201 on a fresh journal, 200 when an earlier run left the items in the shared Cassandra.
        assertEquals(2, bulk.statusCode() / 100, bulk.body());
        JsonNode r = Json.MAPPER.readTree(bulk.body());
        assertEquals(BULK_BATCH, r.get("created").asInt() + r.get("updated").asInt(), bulk.body());
      }
      System.out.printf(
          "CATALOGUE-ACROSS-NODES upserted %d described items (%d bytes of NDJSON) on node 1%n",
          BULK_ITEMS, bulkBytes);

      String run = UUID.randomUUID().toString().substring(0, 8);
      List<String> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        users.add("xnode-" + run + "-" + u);
      }

      // An item node 2 lists as available and serves in a slate.
      Set<String> availableOn2 = availableItems(n2);
      Set<String> servedOn2 = new LinkedHashSet<>();
      for (String u : users) {
        servedOn2.addAll(slate(n2, u));
      }
      List<String> candidates = servedOn2.stream().filter(availableOn2::contains).toList();
      assertTrue(
          candidates.size() >= 2,
          "node 2 serves at least two available items: served "
              + servedOn2
              + ", available "
              + availableOn2);
      outOfStock = candidates.get(0);
      deleted = candidates.get(1);

      // Out of stock on node 1: node 2 lists it unavailable and never serves it again.
      HttpResponse<String> put =
          send(
              HttpRequest.newBuilder(URI.create(n1.base + "/v1/items"))
                  .header("Content-Type", "application/x-ndjson")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"itemId\":\"" + outOfStock + "\",\"inStock\":false}\n")));
      assertEquals(200, put.statusCode(), put.body());
      long t0 = System.nanoTime();
      awaitUnavailable(n2, outOfStock);
      double seenOn2 = (System.nanoTime() - t0) / 1e9;
      for (String u : users) {
        List<String> items = slate(n2, u);
        assertFalse(items.isEmpty(), "node 2 still serves " + u);
        assertFalse(items.contains(outOfStock), "node 2 served " + outOfStock + " to " + u);
      }

      // Deleted on node 2: node 1 lists it unavailable and never serves it again.
      HttpResponse<String> delete =
          send(HttpRequest.newBuilder(URI.create(n2.base + "/v1/items/" + deleted)).DELETE());
      assertTrue(delete.statusCode() / 100 == 2, delete.statusCode() + " " + delete.body());
      long t1 = System.nanoTime();
      awaitUnavailable(n1, deleted);
      double seenOn1 = (System.nanoTime() - t1) / 1e9;
      for (String u : users) {
        List<String> items = slate(n1, u);
        assertFalse(items.isEmpty(), "node 1 still serves " + u);
        assertFalse(items.contains(deleted), "node 1 served " + deleted + " to " + u);
        assertFalse(items.contains(outOfStock), "node 1 served " + outOfStock + " to " + u);
      }
      System.out.printf(
          "CATALOGUE-ACROSS-NODES out-of-stock %s seen on node 2 after %.2f s; deleted %s seen on"
              + " node 1 after %.2f s; node 2 hosts %d user entities, node 1 %d%n",
          outOfStock,
          seenOn2,
          deleted,
          seenOn1,
          n2.clusterOrNull().get("entities").asInt(),
          n1.clusterOrNull().get("entities").asInt());
    } finally {
      // Put both items back in stock: the catalogue lives on in the shared Cassandra journal.
      if (!started.isEmpty() && outOfStock != null) {
        String restore =
            "{\"itemId\":\""
                + outOfStock
                + "\",\"inStock\":true}\n"
                + (deleted == null ? "" : "{\"itemId\":\"" + deleted + "\",\"inStock\":true}\n");
        try {
          send(
              HttpRequest.newBuilder(URI.create(started.get(0).base + "/v1/items"))
                  .header("Content-Type", "application/x-ndjson")
                  .PUT(HttpRequest.BodyPublishers.ofString(restore)));
        } catch (IOException e) {
          System.out.println("could not restore the catalogue: " + e);
        }
      }
      for (ClusterNode n : started) {
        n.close();
      }
    }
  }

  private static void awaitBothUp(ClusterNode n1, ClusterNode n2, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (upCount(n1) == 2 && upCount(n2) == 2) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("nodes 1 and 2 do not both see two members Up in " + timeout);
  }

  private static int upCount(ClusterNode n) {
    JsonNode c = n.clusterOrNull();
    if (c == null) {
      return -1;
    }
    int up = 0;
    for (JsonNode m : c.get("members")) {
      if (m.get("status").asText().equals("Up")) {
        up++;
      }
    }
    return up;
  }

  private static void awaitUnavailable(ClusterNode n, String itemId) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    Boolean available = null;
    while (System.nanoTime() < deadline) {
      available = listing(n).get(itemId);
      if (Boolean.FALSE.equals(available)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "node "
            + n.index
            + " lists "
            + itemId
            + " as available="
            + available
            + " after "
            + PROPAGATION);
  }

  private static Set<String> availableItems(ClusterNode n) throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    listing(n)
        .forEach(
            (id, available) -> {
              if (available) {
                ids.add(id);
              }
            });
    return ids;
  }

  private static Map<String, Boolean> listing(ClusterNode n) throws Exception {
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(URI.create(n.base + "/v1/items?limit=1000")).GET());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode items = Json.MAPPER.readTree(r.body()).get("items");
    assertNotNull(items, r.body());
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (JsonNode i : items) {
      out.put(i.get("itemId").asText(), i.get("available").asBoolean());
    }
    assertEquals(SyntheticModel.ITEMS, out.size(), r.body());
    return out;
  }

  private static List<String> slate(ClusterNode n, String user) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    URI.create(n.base + "/v1/users/" + user + "/recommendations?k=" + K))
                .GET());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertFalse("cached".equals(body.path("trigger").asText()), r.body());
    List<String> ids = new ArrayList<>();
    for (JsonNode i : body.get("items")) {
      ids.add(i.get("itemId").asText());
    }
    return ids;
  }

  private static HttpResponse<String> send(HttpRequest.Builder b)
      throws IOException, InterruptedException {
    return HTTP.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
