package io.carousel.http.node;

import akka.actor.typed.ActorSystem;
import io.carousel.engine.LiveItems;
import io.carousel.engine.text.TextEncoder;
import io.carousel.engine.tower.TwoTowerScorer;
import io.carousel.http.ingest.ItemIngest;
import io.carousel.user.Catalogue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One per node: embeds the catalogue items the model was not trained on, from their text, into the
 * node's {@link LiveItems}. It gets their availability from the node's {@code ItemAvailability}
 * (every delta and every re-read), asks the {@link Catalogue} for the text of items whose text hash
 * it has not embedded yet ({@link Catalogue#TEXT_BATCH} a message), and runs the frozen MiniLM
 * encoder and the model's {@code item_vector_from_text} on one bounded thread — never on the actor
 * dispatcher. A rejected or failed batch is forgotten and picked up again by the next re-read.
 */
final class LiveCatalogue implements Consumer<List<Catalogue.Availability>>, AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LiveCatalogue.class);

  private final ActorSystem<?> system;
  // Replaced by a hot swap ({@link #rebase}), on the embedding thread; read there and by accept.
  private volatile TwoTowerScorer scorer;
  private final Supplier<TextEncoder> encoderFactory;
  private volatile LiveItems live;
  private final Duration askTimeout;
  private final ExecutorService executor;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private TextEncoder encoder; // only on the executor's thread

  /**
   * @param encoderFactory loads the text encoder on first use, on the embedding thread
   * @param queue most embedding batches waiting; more are dropped until the next re-read
   */
  LiveCatalogue(
      ActorSystem<?> system,
      TwoTowerScorer scorer,
      Supplier<TextEncoder> encoderFactory,
      LiveItems live,
      Duration askTimeout,
      int queue) {
    this.system = system;
    this.scorer = scorer;
    this.encoderFactory = encoderFactory;
    this.live = live;
    this.askTimeout = askTimeout;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "carousel-live-embed");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    // Loaded at start, not with the first new item: MiniLM takes seconds to load (measured 3-7 s
    // on a busy 2-core box), which the first item after a start would otherwise wait for.
    executor.execute(
        () -> {
          try {
            if (encoder == null) {
              encoder = encoderFactory.get();
            }
          } catch (RuntimeException e) {
            LOG.warn(
                "loading the text encoder failed; retried with the first item: {}", e.toString());
          }
        });
  }

  /** Called on the catalogue view's thread: cheap bookkeeping, the embedding goes elsewhere. */
  @Override
  public void accept(List<Catalogue.Availability> items) {
    LiveItems.Snapshot snap = live.snapshot();
    List<String> fetch = new ArrayList<>();
    for (Catalogue.Availability a : items) {
      int idx = snap.indexOf(a.itemId());
      boolean embedded = idx >= 0 && snap.get(idx).textHash() == a.textHash();
      if (embedded || !a.available()) {
        live.setAvailable(a.itemId(), a.available(), a.category());
      } else if (pending.add(key(a.itemId(), a.textHash()))) {
        fetch.add(a.itemId());
      }
    }
    for (int from = 0; from < fetch.size(); from += Catalogue.TEXT_BATCH) {
      List<String> ids =
          List.copyOf(fetch.subList(from, Math.min(fetch.size(), from + Catalogue.TEXT_BATCH)));
      Catalogue.ref(system)
          .<Catalogue.Texts>ask(r -> new Catalogue.GetTexts(ids, r), askTimeout)
          .thenAcceptAsync(this::embed, executor)
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  LOG.warn("embedding {} live items failed: {}", ids.size(), failure.toString());
                }
                // Whatever the outcome, a later delta or re-read may try this text again.
                pending.removeIf(k -> ids.contains(k.substring(0, k.lastIndexOf('#'))));
              });
    }
  }

  /**
   * Moves this embedder to a model swapped in (ADR 0014): from this task on, every embedding runs
   * on {@code next}'s text path into {@code nextLive}. The thread is single, so once the returned
   * future completes no embedding of the previous scorer runs any more (it may then be closed).
   */
  CompletableFuture<Void> switchTo(TwoTowerScorer next, LiveItems nextLive) {
    return CompletableFuture.runAsync(
        () -> {
          scorer = next;
          live = nextLive;
        },
        executor);
  }

  /**
   * Fetches the texts of {@code items} (the available ones) and embeds them with the current
   * scorer; completes when every batch is done (a failed batch is logged; the catalogue's next
   * re-read retries it).
   */
  CompletableFuture<Void> embedAll(List<Catalogue.Availability> items) {
    List<String> ids = new ArrayList<>();
    for (Catalogue.Availability a : items) {
      if (a.available()) {
        ids.add(a.itemId());
      }
    }
    List<CompletableFuture<Void>> batches = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += Catalogue.TEXT_BATCH) {
      List<String> batch =
          List.copyOf(ids.subList(from, Math.min(ids.size(), from + Catalogue.TEXT_BATCH)));
      batches.add(
          Catalogue.ref(system)
              .<Catalogue.Texts>ask(r -> new Catalogue.GetTexts(batch, r), askTimeout)
              .thenAcceptAsync(this::embed, executor)
              .exceptionally(
                  failure -> {
                    LOG.warn(
                        "re-embedding {} live items for the new model failed: {}",
                        batch.size(),
                        failure.toString());
                    return null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new));
  }

  /** Embeds one batch of texts and publishes them to retrieval; on the embedding thread. */
  void embed(Catalogue.Texts texts) {
    if (texts.items().isEmpty()) {
      return;
    }
    if (encoder == null) {
      encoder = encoderFactory.get();
    }
    List<String> strings = new ArrayList<>();
    for (Catalogue.ItemText t : texts.items()) {
      strings.add(text(t.title(), t.description()));
    }
    LiveItems live = this.live;
    float[][] vectors = scorer.itemVectorsFromText(encoder.encode(strings));
    List<LiveItems.Entry> entries = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      Catalogue.ItemText t = texts.items().get(i);
      entries.add(
          new LiveItems.Entry(
              t.itemId(),
              vectors[i],
              t.category(),
              t.textHash(),
              ItemIngest.shortTitle(t.title())));
    }
    live.put(entries);
    for (Catalogue.ItemText t : texts.items()) {
      if (!t.available()) {
        live.setAvailable(t.itemId(), false, t.category());
      }
    }
  }

  /** The text an item is embedded from: its title, then its description when it has one. */
  static String text(String title, String description) {
    String t = title == null ? "" : title;
    return description == null || description.isBlank() ? t : t + ". " + description;
  }

  private static String key(String itemId, int hash) {
    return itemId + "#" + hash;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
