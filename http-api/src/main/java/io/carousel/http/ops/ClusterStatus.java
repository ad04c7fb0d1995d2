package io.carousel.http.ops;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ClusterEvent;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.carousel.http.ErrorMapping;
import io.carousel.http.Json;
import io.carousel.user.UserProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/cluster}: this node's view of the cluster (members, their status and reachability,
 * the leader) and the user-profile shards and entities it hosts, read from the local shard region
 * with {@link GetShardRegionState}. Polling it on every node shows shards rebalancing onto a new
 * node and off a downed one.
 */
public final class ClusterStatus extends AllDirectives {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;

  /** Reads from {@code system}'s cluster and {@code sharding}, waiting at most {@code timeout}. */
  public ClusterStatus(ActorSystem<?> system, ClusterSharding sharding, Duration timeout) {
    this.system = system;
    this.sharding = sharding;
    this.timeout = timeout;
  }

  /** Returns the route answering 200 with a {@link ClusterResponse} (503 on timeout). */
  public Route route() {
    return onComplete(
        snapshot().thenApply(r -> Json.response(200, r)),
        result ->
            complete(
                result.isSuccess()
                    ? result.get()
                    : ErrorMapping.fromFailure(result.failed().get())));
  }

  /** Returns this node's current view; fails when the shard region does not answer in time. */
  public CompletionStage<ClusterResponse> snapshot() {
    CompletionStage<ShardRegion.CurrentShardRegionState> region =
        AskPattern.ask(
            sharding.shardState(),
            replyTo -> new GetShardRegionState(UserProfile.TYPE_KEY, replyTo),
            timeout,
            system.scheduler());
    return region.thenApply(this::describe);
  }

  private ClusterResponse describe(ShardRegion.CurrentShardRegionState region) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<akka.cluster.Member> unreachable = new HashSet<>(state.getUnreachable());
    List<ClusterResponse.Member> members = new ArrayList<>();
    for (akka.cluster.Member m : state.getMembers()) {
      members.add(
          new ClusterResponse.Member(
              m.address().toString(), m.status().toString(), !unreachable.contains(m)));
    }
    List<String> shardIds = new ArrayList<>();
    int entities = 0;
    for (ShardRegion.ShardState s : region.getShards()) {
      shardIds.add(s.shardId());
      entities += s.getEntityIds().size();
    }
    shardIds.sort(Comparator.comparingInt(ClusterStatus::numeric).thenComparing(s -> s));
    String leader = state.getLeader() == null ? null : state.getLeader().toString();
    return new ClusterResponse(
        cluster.selfMember().address().toString(),
        leader,
        List.copyOf(members),
        shardIds.size(),
        entities,
        List.copyOf(shardIds));
  }

  private static int numeric(String shardId) {
    try {
      return Integer.parseInt(shardId);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
