package io.carousel.user;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;

/**
 * Lets a new node start from the cluster's node-wide learning instead of the priors
 * (docs/decisions/0011-living-catalogue-and-node-state.md, addendum "a new node starts from a
 * peer"). Every node registers one source with the receptionist; a node without a snapshot of its
 * own asks, before it serves, every Up peer's source for its current {@link NodeState} and takes
 * the first complete answer. No Up peer, or no answer within the timeout: the priors, as before.
 *
 * <p>The snapshot is O(items) (trend weights by item id: a few MB at 100k items), larger than one
 * Artery frame (256 KiB), so a source sends it serialized and cut into {@value #CHUNK} byte chunks,
 * reassembled by index on the asking side.
 */
public final class NodeStateSource {
  /** The receptionist key of every node's source. */
  public static final ServiceKey<Request> KEY =
      ServiceKey.create(Request.class, "carousel-node-state");

  /** Bytes per chunk: well under Artery's default 256 KiB frame. */
  static final int CHUNK = 128 * 1024;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NodeStateSource.class);

  private NodeStateSource() {}

  /** Asks a source for its node's snapshot; the answer comes as {@link Chunk}s. */
  public record Request(String requestId, ActorRef<Chunk> replyTo) implements CborSerializable {}

  /**
   * One piece of a serialized snapshot ({@code serializerId}/{@code manifest} of Akka's
   * serialization of a {@link Payload}).
   */
  public record Chunk(
      String requestId,
      String node,
      int index,
      int count,
      int serializerId,
      String manifest,
      byte[] bytes)
      implements CborSerializable {}

  /** The serialized form of a snapshot (jackson-cbor, like every message between nodes). */
  public record Payload(NodeState state) implements CborSerializable {}

  /** A peer's snapshot and the node it came from. */
  public record Seed(String node, NodeState state) {}

  /** What {@link #fetch} found: a peer's snapshot, or none and why. */
  public record Fetched(Optional<Seed> seed, String why) {}

  /** A source answering with {@code deps}' current learning, registered with the receptionist. */
  public static Behavior<Request> create(ProfileDependencies deps, Clock clock) {
    return create(deps, clock, () -> true);
  }

  /**
   * A source that answers "none yet" (a chunk with index -1) until {@code started}: registered
   * before its node seeds itself, so nodes that start together learn at once that no peer has state
   * yet, instead of each waiting out the timeout for the others' sources.
   */
  public static Behavior<Request> create(
      ProfileDependencies deps, Clock clock, java.util.function.BooleanSupplier started) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          Serialization serialization = SerializationExtension.get(ctx.getSystem());
          String node = Cluster.get(ctx.getSystem()).selfMember().address().toString();
          return Behaviors.receiveMessage(
              req -> {
                if (!started.getAsBoolean()) {
                  req.replyTo().tell(new Chunk(req.requestId(), node, -1, 0, 0, "", new byte[0]));
                  return Behaviors.same();
                }
                Payload payload = new Payload(NodeState.capture(deps, clock.millis()));
                byte[] all = serialization.serialize(payload).get();
                akka.serialization.Serializer ser = serialization.findSerializerFor(payload);
                String manifest = Serializers.manifestFor(ser, payload);
                int count = Math.max(1, (all.length + CHUNK - 1) / CHUNK);
                for (int i = 0; i < count; i++) {
                  byte[] part =
                      Arrays.copyOfRange(all, i * CHUNK, Math.min(all.length, (i + 1) * CHUNK));
                  req.replyTo()
                      .tell(
                          new Chunk(
                              req.requestId(), node, i, count, ser.identifier(), manifest, part));
                }
                LOG.info(
                    "node state sent to {}: {} bytes in {} chunks",
                    req.replyTo().path().address(),
                    all.length,
                    count);
                return Behaviors.same();
              });
        });
  }

  /**
   * Asks the cluster for a snapshot: once this node sees an Up peer whose source the receptionist
   * lists, every such source is asked and the first complete answer wins. Completes empty, with the
   * reason logged, when this node is Up and has no Up peer, or nothing arrived within {@code
   * timeout}.
   */
  public static CompletionStage<Fetched> fetch(ActorSystem<?> system, Duration timeout) {
    CompletableFuture<Fetched> result = new CompletableFuture<>();
    system.systemActorOf(
        fetcher(timeout, result), "node-state-seed-" + UUID.randomUUID(), Props.empty());
    return result;
  }

  private interface Msg {}

  private enum Tick implements Msg {
    INSTANCE
  }

  private enum Deadline implements Msg {
    INSTANCE
  }

  private record Listed(Receptionist.Listing listing) implements Msg {}

  private record Got(Chunk chunk) implements Msg {}

  private static Behavior<Msg> fetcher(Duration timeout, CompletableFuture<Fetched> result) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Deadline.INSTANCE, timeout);
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(100));
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  String requestId = UUID.randomUUID().toString();
                  ActorRef<Receptionist.Listing> listings =
                      ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
                  ActorRef<Chunk> chunks = ctx.messageAdapter(Chunk.class, Got::new);
                  Set<ActorRef<Request>> asked = new HashSet<>();
                  Set<String> starting = new HashSet<>();
                  java.util.Map<String, byte[][]> parts = new java.util.HashMap<>();
                  Serialization serialization = SerializationExtension.get(ctx.getSystem());
                  return Behaviors.receive(Msg.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            Member self = cluster.selfMember();
                            List<Address> peers = upPeers(cluster);
                            if (peers.isEmpty() && self.status() == MemberStatus.up()) {
                              result.complete(
                                  new Fetched(Optional.empty(), "this node is Up, no Up peer"));
                              return Behaviors.stopped();
                            }
                            if (!peers.isEmpty()) {
                              ctx.getSystem().receptionist().tell(Receptionist.find(KEY, listings));
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Listed.class,
                          l -> {
                            Set<Address> peers = new HashSet<>(upPeers(cluster));
                            for (ActorRef<Request> source : l.listing().getServiceInstances(KEY)) {
                              if (peers.contains(source.path().address()) && asked.add(source)) {
                                source.tell(new Request(requestId, chunks));
                              }
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Got.class,
                          g -> {
                            Chunk c = g.chunk();
                            if (!requestId.equals(c.requestId())) {
                              return Behaviors.same();
                            }
                            if (c.index() < 0) {
                              starting.add(c.node());
                              List<String> up =
                                  upPeers(cluster).stream().map(Address::toString).toList();
                              if (!up.isEmpty() && starting.containsAll(up)) {
                                result.complete(
                                    new Fetched(
                                        Optional.empty(),
                                        "every Up peer is starting without state"));
                                return Behaviors.stopped();
                              }
                              return Behaviors.same();
                            }
                            byte[][] got =
                                parts.computeIfAbsent(c.node(), n -> new byte[c.count()][]);
                            got[c.index()] = c.bytes();
                            if (Arrays.stream(got).anyMatch(p -> p == null)) {
                              return Behaviors.same();
                            }
                            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                            for (byte[] p : got) {
                              all.writeBytes(p);
                            }
                            Payload payload =
                                (Payload)
                                    serialization
                                        .deserialize(
                                            all.toByteArray(), c.serializerId(), c.manifest())
                                        .get();
                            result.complete(
                                new Fetched(
                                    Optional.of(new Seed(c.node(), payload.state())), "answered"));
                            return Behaviors.stopped();
                          })
                      .onMessageEquals(
                          Deadline.INSTANCE,
                          () -> {
                            result.complete(
                                new Fetched(
                                    Optional.empty(),
                                    "no peer answered within "
                                        + timeout
                                        + " ("
                                        + asked.size()
                                        + " asked)"));
                            return Behaviors.stopped();
                          })
                      .build();
                }));
  }

  private static List<Address> upPeers(Cluster cluster) {
    Address self = cluster.selfMember().address();
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() && !m.address().equals(self))
        .map(Member::address)
        .toList();
  }

  /**
   * How a starting node's learning begins: its own snapshot when it has one (restored as it was);
   * else the first peer's, seeded ({@link NodeState#seedInto}); else the priors. Called before the
   * node serves; the answer is also what {@code /v1/stats} shows as {@code seededFrom}.
   *
   * @param own this node's saved snapshot, if any
   * @return "own snapshot", "peer &lt;address&gt; (saved at …)" or "priors (…)"
   */
  public static String start(
      ActorSystem<?> system, ProfileDependencies deps, Optional<NodeState> own, Duration timeout) {
    String origin;
    if (own.isPresent()) {
      List<String> notes = own.get().restoreInto(deps);
      origin = "own snapshot";
      LOG.info("node state: own snapshot (saved at {}): {}", own.get().savedAtMs(), notes);
    } else {
      Fetched fetched;
      long t0 = System.nanoTime();
      try {
        fetched =
            fetch(system, timeout)
                .toCompletableFuture()
                .get(timeout.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fetched = new Fetched(Optional.empty(), "interrupted");
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        fetched = new Fetched(Optional.empty(), "asking the peers failed: " + e);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Optional<Seed> seed = fetched.seed();
      if (seed.isPresent()) {
        List<String> notes = seed.get().state().seedInto(deps);
        origin = "peer " + seed.get().node() + " (saved at " + seed.get().state().savedAtMs() + ")";
        LOG.info(
            "node state: no snapshot of its own, seeded from {} in {} ms: {}", origin, ms, notes);
      } else {
        origin = "priors (no snapshot of its own; " + fetched.why() + ")";
        LOG.info("node state: {} after {} ms", origin, ms);
      }
    }
    deps.metrics().nodeStateOrigin(origin);
    return origin;
  }
}
