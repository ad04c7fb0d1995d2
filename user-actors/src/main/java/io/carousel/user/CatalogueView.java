package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * One per node: keeps the node's {@link ItemAvailability} in step with the {@link Catalogue}. It
 * subscribes to the catalogue topic and applies each {@link Catalogue.AvailabilityChanged} delta at
 * once; at start and every {@code resync} interval it walks the catalogue's availability page by
 * page ({@link Catalogue.GetPage}) and then replaces the overlay, so a node that joins late or
 * missed a message converges.
 *
 * <p>A delta that arrives during a walk is newer than a page when its sequence number is higher; it
 * is then kept in the walk's result over that page's value, so the replacement never rolls it back.
 * That holds whether its item's page was read before the delta arrived or is still to come: a page
 * answered before the change can arrive after the delta (they travel by different actors), and
 * without the second case such a stale page undid an out-of-stock for up to one resync interval.
 */
public final class CatalogueView {
  private enum Resync {
    START,
    TICK
  }

  /** A page reply (or its failure) of walk {@code walk}. */
  private record PageResult(int walk, Catalogue.Page page, Throwable failure) {}

  private CatalogueView() {}

  /**
   * Returns the behaviour; {@code resync} bounds how stale a node can be after a lost message. The
   * first full read waits for {@code journalReady}, so the catalogue entity never recovers from a
   * journal whose schema does not exist yet.
   */
  public static Behavior<Object> create(
      ItemAvailability availability, Duration resync, CompletionStage<?> journalReady) {
    return Behaviors.setup(
        ctx ->
            create(
                availability,
                resync,
                journalReady,
                Catalogue.ref(ctx.getSystem()),
                Duration.ofSeconds(10)));
  }

  /** As above, reading pages from {@code catalogue}, each within {@code pageTimeout}. */
  static Behavior<Object> create(
      ItemAvailability availability,
      Duration resync,
      CompletionStage<?> journalReady,
      RecipientRef<Catalogue.Command> catalogue,
      Duration pageTimeout) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Catalogue.AvailabilityChanged> self = ctx.getSelf().narrow();
          ActorRef<Topic.Command<Catalogue.AvailabilityChanged>> topic =
              ctx.spawn(
                  Topic.create(Catalogue.AvailabilityChanged.class, Catalogue.TOPIC), "topic");
          topic.tell(Topic.subscribe(self));
          return Behaviors.withTimers(
              timers -> {
                ctx.pipeToSelf(journalReady, (ok, failure) -> Resync.START);
                Walker walker = new Walker(ctx, availability, catalogue, pageTimeout);
                return Behaviors.receive(Object.class)
                    .onMessage(
                        Catalogue.AvailabilityChanged.class,
                        c -> {
                          walker.onDelta(c);
                          return Behaviors.same();
                        })
                    .onMessageEquals(
                        Resync.START,
                        () -> {
                          timers.startTimerWithFixedDelay(Resync.TICK, Duration.ZERO, resync);
                          return Behaviors.same();
                        })
                    .onMessageEquals(
                        Resync.TICK,
                        () -> {
                          walker.start();
                          return Behaviors.same();
                        })
                    .onMessage(
                        PageResult.class,
                        r -> {
                          walker.onPage(r);
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }

  /** The state of one resync walk; used only from the actor. */
  private static final class Walker {
    private final ActorContext<Object> ctx;
    private final ItemAvailability availability;
    private final RecipientRef<Catalogue.Command> catalogue;
    private final Duration pageTimeout;
    private int walk;
    private boolean walking;
    private final Map<String, Catalogue.Availability> read = new LinkedHashMap<>();
    // Last id of each page read so far -> the sequence number the page was read at.
    private final TreeMap<String, Long> pageSeqByLastId = new TreeMap<>();
    // Newest delta per item during this walk, for pages still to come.
    private final Map<String, Catalogue.AvailabilityChanged> deltas = new java.util.HashMap<>();

    Walker(
        ActorContext<Object> ctx,
        ItemAvailability availability,
        RecipientRef<Catalogue.Command> catalogue,
        Duration pageTimeout) {
      this.ctx = ctx;
      this.availability = availability;
      this.catalogue = catalogue;
      this.pageTimeout = pageTimeout;
    }

    /** Starts a walk unless one is under way. */
    void start() {
      if (walking) {
        return;
      }
      walking = true;
      walk++;
      read.clear();
      pageSeqByLastId.clear();
      deltas.clear();
      ask(null);
    }

    void onDelta(Catalogue.AvailabilityChanged c) {
      availability.applyDelta(c.items());
      if (!walking) {
        return;
      }
      for (Catalogue.Availability a : c.items()) {
        var page = pageSeqByLastId.ceilingEntry(a.itemId());
        if (page != null && c.seqNr() > page.getValue()) {
          read.put(a.itemId(), a);
        }
        deltas.merge(
            a.itemId(),
            new Catalogue.AvailabilityChanged(List.of(a), c.seqNr()),
            (old, now) -> now.seqNr() > old.seqNr() ? now : old);
      }
    }

    void onPage(PageResult r) {
      if (!walking || r.walk() != walk) {
        return;
      }
      if (r.failure() != null) {
        // The next tick starts over; deltas keep the overlay current meanwhile.
        ctx.getLog().warn("catalogue resync stopped after {} items: {}", read.size(), r.failure());
        walking = false;
        return;
      }
      Catalogue.Page page = r.page();
      for (Catalogue.Availability a : page.items()) {
        Catalogue.AvailabilityChanged newer = deltas.get(a.itemId());
        read.put(
            a.itemId(), newer != null && newer.seqNr() > page.seqNr() ? newer.items().get(0) : a);
      }
      if (page.last()) {
        walking = false;
        availability.replace(new ArrayList<>(read.values()));
        read.clear();
        pageSeqByLastId.clear();
        deltas.clear();
        return;
      }
      List<Catalogue.Availability> items = page.items();
      String lastId = items.get(items.size() - 1).itemId();
      pageSeqByLastId.put(lastId, page.seqNr());
      ask(lastId);
    }

    private void ask(String after) {
      int w = walk;
      ctx.ask(
          Catalogue.Page.class,
          catalogue,
          pageTimeout,
          replyTo -> new Catalogue.GetPage(after, Catalogue.PAGE_SIZE, replyTo),
          (page, failure) -> new PageResult(w, page, failure));
    }
  }
}
