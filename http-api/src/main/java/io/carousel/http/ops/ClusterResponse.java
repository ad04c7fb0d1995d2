package io.carousel.http.ops;

import java.util.List;

/**
 * {@code GET /v1/cluster}: what this node sees of the cluster and which user shards it hosts.
 *
 * @param self this node's cluster address, e.g. {@code akka://carousel@127.0.0.1:25521}
 * @param leader the current leader's address, or null while there is none
 * @param members every member this node knows, in address order
 * @param shards the number of user-profile shards hosted on this node
 * @param entities the number of user profiles running on this node
 * @param shardIds the ids of the hosted shards, in numeric order
 */
public record ClusterResponse(
    String self,
    String leader,
    List<Member> members,
    int shards,
    int entities,
    List<String> shardIds) {

  /**
   * One cluster member.
   *
   * @param address its cluster address
   * @param status {@code Joining}, {@code WeaklyUp}, {@code Up}, {@code Leaving}, {@code Exiting},
   *     {@code Down} or {@code Removed}
   * @param reachable whether this node's failure detector currently reaches it
   */
  public record Member(String address, String status, boolean reachable) {}
}
