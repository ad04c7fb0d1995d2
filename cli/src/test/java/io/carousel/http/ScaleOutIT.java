package io.carousel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.offline.bench.cluster.ClusterNode;
import io.carousel.offline.bench.cluster.ScaleOutScenario;
import io.carousel.offline.bench.cluster.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out scenario of {@code cluster-conf/scale-out-scenario.sh} as a test, on the build's
 * Cassandra and free loopback ports: three node JVMs (--config local1..3 with port overrides),
 * bounded load, a rebalance onto node 3, a kill -9 of node 2, WebSocket subscribers on node 1
 * following users off node 2. About 2-3 minutes on 2 cores.
 */
class ScaleOutIT {
  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void rebalancesOntoNewNodeAndLosesNoAcknowledgedEventWhenANodeIsKilled(@TempDir Path work)
      throws Exception {
    CassandraNode.ensureRunning();
    Path model = SyntheticModel.create(work);
    ScaleOutScenario.Options options =
        new ScaleOutScenario.Options(
            work,
            model,
            CassandraNode.CONTACT_POINT,
            ClusterNode.Ports.free(),
            100,
            8,
            Duration.ofSeconds(8),
            8);
    Map<String, Object> r = new ScaleOutScenario(options, System.out).run();
    String json = Json.MAPPER.writeValueAsString(r);
    System.out.println("SCALE-OUT " + json);
    Files.writeString(Path.of("target", "scale-out-it.json"), json + System.lineSeparator());

    assertTrue(((Number) r.get("acknowledged")).intValue() > 500, json);
    assertEquals(0L, ((Number) r.get("lost")).longValue(), json);
    assertEquals(0L, ((Number) r.get("duplicated")).longValue(), json);

    Map<?, ?> before = (Map<?, ?>) r.get("shards_before");
    Map<?, ?> after = (Map<?, ?>) r.get("shards_after");
    Map<?, ?> afterFailover = (Map<?, ?>) r.get("shards_after_failover");
    int node3 = ((Number) after.get("node3")).intValue();
    assertTrue(node3 >= 20, "node 3 took its share of the shards: " + json);
    assertTrue(
        ((Number) after.get("node1")).intValue() < ((Number) before.get("node1")).intValue()
            && ((Number) after.get("node2")).intValue() < ((Number) before.get("node2")).intValue(),
        "shards moved off nodes 1 and 2: " + json);
    assertFalse(afterFailover.containsKey("node2"), json);
    assertTrue(((Number) afterFailover.get("node1")).intValue() > node3 / 2, json);
    assertTrue(((Number) afterFailover.get("node3")).intValue() > node3, json);
    assertTrue(((Number) r.get("failover_seconds")).doubleValue() < 120, json);

    int subscribers = ((Number) r.get("subscribers")).intValue();
    int moved = ((Number) r.get("subscribers_moved_by_rebalance")).intValue();
    assertTrue(subscribers > 0 && moved > 0, "some subscribed users' shards moved: " + json);
    assertEquals(moved, r.get("subscribers_streaming_after_rebalance_move"), json);
    assertEquals(subscribers, r.get("subscribers_streaming_after_failover"), json);
  }
}
