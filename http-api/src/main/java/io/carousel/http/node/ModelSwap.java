package io.carousel.http.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Routers;
import com.typesafe.config.Config;
import io.carousel.engine.LiveItems;
import io.carousel.engine.ScoringModel;
import io.carousel.engine.ScoringSettings;
import io.carousel.engine.model.ModelChecksums;
import io.carousel.engine.model.ModelFolder;
import io.carousel.engine.model.ModelMeta;
import io.carousel.engine.privacy.DpSettings;
import io.carousel.http.ops.NodeMetrics;
import io.carousel.user.Catalogue;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ModelView;
import io.carousel.user.ProfileDependencies;
import io.carousel.user.ServingModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap (ADR 0014): makes the node serve the registry's {@code current} version without a
 * restart. The new {@link ServingModel} is built beside the serving one — the folder's checksums
 * verified as {@code carousel serve} does, the SavedModel loaded, a scoring pool of its own
 * spawned, the live items the new model was not trained on re-embedded with its text path, the
 * availability and trend popularities carried over by item id — then made current with one write
 * ({@link io.carousel.user.ModelHandle#swap}). The previous scorer is closed and its pool retired
 * when the last request holding it is done (reference count), never while a batch runs on it.
 *
 * <p>One swap at a time ({@code synchronized}); called after a promotion or rollback on this node
 * and every {@code carousel.training.watch-interval} by the registry watcher, so every node sharing
 * the registry folder follows {@code current}. A folder failing its checksum is refused (logged,
 * counted in {@code carousel_model_swaps_total{outcome="refused"}}, not retried until {@code
 * current} changes) and the node keeps serving its version.
 */
public final class ModelSwap implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSwap.class);

  private final ActorSystem<?> system;
  private final ProfileDependencies deps;
  private final LiveCatalogue liveCatalogue;
  private final ScoringSettings scoring;
  private final io.carousel.engine.retrieval.IndexChoice index;
  private final NodeMetrics metrics;
  private final DpSettings dp;
  private final Path registryDir;
  private final Duration embedTimeout;
  private final Consumer<String> served;
  private final ExecutorService retirer;
  private final ExecutorService watcher;
  private final AtomicInteger pools = new AtomicInteger();
  private final Counter swapped;
  private final Counter refused;
  private final Counter failed;
  private final Timer duration;
  private volatile String refusedVersion;
  private final double challengerShare;
  private volatile String refusedChallenger;
  private volatile ItemAvailability challengerAvailability;
  private volatile LoadedModel last;

  /**
   * @param first the model the node started with; closed when a swap retires it
   * @param firstPool its scoring pool
   * @param served told the version the node serves after each swap
   */
  ModelSwap(
      ActorSystem<?> system,
      Config config,
      ProfileDependencies deps,
      LoadedModel first,
      ActorRef<ScoringModel.Command> firstPool,
      LiveCatalogue liveCatalogue,
      NodeMetrics metrics,
      Consumer<String> served) {
    this.system = system;
    this.deps = deps;
    this.liveCatalogue = liveCatalogue;
    this.scoring = ScoringSettings.fromConfig(config);
    // A swapped-in or challenger model retrieves through the same index as the node's first.
    this.index = io.carousel.engine.retrieval.IndexChoice.fromConfig(config);
    this.metrics = metrics;
    this.dp = DpSettings.fromConfig(config);
    this.registryDir = registryDir(config);
    this.embedTimeout = config.getDuration("carousel.training.swap-timeout");
    this.served = served;
    this.challengerShare = config.getDouble("carousel.training.challenger-share");
    this.retirer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "carousel-model-retire");
              t.setDaemon(true);
              return t;
            });
    this.watcher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "carousel-model-watch");
              t.setDaemon(true);
              return t;
            });
    this.swapped = counter("swapped");
    this.refused = counter("refused");
    this.failed = counter("failed");
    this.duration =
        Timer.builder("carousel.model.swap.duration")
            .description("Wall time of a hot swap, from the checksum check to the switch")
            .publishPercentiles(0.5, 0.99)
            .register(metrics.registry());
    this.last = first;
    // The model the node started with is retired like any other (the caller no longer closes it).
    deps.models().whenRetired(retire(first, firstPool));
  }

  private Counter counter(String outcome) {
    return Counter.builder("carousel.model.swaps")
        .description("Hot swaps by outcome: swapped, refused (checksum) or failed (still serving)")
        .tag("outcome", outcome)
        .register(metrics.registry());
  }

  /**
   * The registry folder: {@code carousel.training.registry-dir}, or {@code carousel.data-dir} when
   * empty (embedded mode: the data dir is the store).
   */
  static Path registryDir(Config config) {
    String dir = config.getString("carousel.training.registry-dir");
    return Path.of(dir.isEmpty() ? config.getString("carousel.data-dir") : dir);
  }

  /** The scoring pool of one model: {@code carousel.scoring.pool-size} batching scorers. */
  static Behavior<ScoringModel.Command> scoringPool(
      ScoringSettings settings, LoadedModel model, NodeMetrics metrics) {
    return Routers.pool(
            settings.poolSize(),
            Behaviors.supervise(
                    ScoringModel.create(
                        model.scorer(),
                        settings,
                        metrics.batchSizes()::record,
                        metrics.shed()::increment,
                        model.view().live()))
                .onFailure(SupervisorStrategy.restart()))
        .withRoundRobinRouting()
        .withBroadcastPredicate(ScoringModel.BROADCAST)
        .withRouteeProps(DispatcherSelector.fromConfig(ScoringSettings.DISPATCHER));
  }

  /** Returns the version the node serves. */
  public String servingVersion() {
    return deps.models().current().version();
  }

  /**
   * Swaps to the registry's {@code current} when it names another version than the one served (and
   * not one already refused); does nothing otherwise.
   *
   * @return whether the node now serves another version
   */
  public synchronized boolean followCurrent() {
    Optional<String> current;
    try {
      current = ModelChecksums.currentVersion(registryDir);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the registry's current version: {}", e.getMessage());
      return false;
    }
    if (current.isEmpty()
        || current.get().equals(servingVersion())
        || current.get().equals(refusedVersion)) {
      return false;
    }
    return swapTo(ModelChecksums.folder(registryDir, current.get()));
  }

  /**
   * Champion/challenger, the serving half (ADR 0014): serves the registry's {@code
   * models/challenger} version to {@code carousel.training.challenger-share} of the users (a stable
   * hash of the user id, on every node), every slate naming its version; drops it when the file
   * goes, names the current version, or the share is 0. The challenger has its own scorer, pool,
   * availability (following the catalogue by item id) and trends; it embeds no live items (new
   * items reach its users once it is promoted).
   *
   * @return whether the challenger changed
   */
  public synchronized boolean followChallenger() {
    Optional<String> wanted;
    try {
      wanted = ModelChecksums.challengerVersion(registryDir);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the registry's challenger: {}", e.getMessage());
      return false;
    }
    ServingModel now = deps.models().challenger();
    if (wanted.isEmpty() || challengerShare <= 0 || wanted.get().equals(servingVersion())) {
      if (now != null) {
        deps.models().dropChallenger();
        unfollowChallenger();
        LOG.info("challenger {} no longer served", now.version());
        return true;
      }
      return false;
    }
    String version = wanted.get();
    if ((now != null && now.version().equals(version)) || version.equals(refusedChallenger)) {
      return false;
    }
    Path folder = ModelChecksums.folder(registryDir, version);
    String problem = ModelChecksums.checksumProblem(folder);
    if (problem != null) {
      refusedChallenger = version;
      refused.increment();
      LOG.error("not serving challenger {}: {}", version, problem);
      return false;
    }
    LoadedModel next = load(folder, "challenger " + version);
    if (next == null) {
      return false;
    }
    ActorRef<ScoringModel.Command> pool =
        system.systemActorOf(
            scoringPool(scoring, next, metrics),
            "scoring-challenger-" + version + "-" + pools.incrementAndGet(),
            Props.empty());
    try {
      ServingModel champion = deps.models().current();
      ItemAvailability availability = champion.availability().follower(next.view().catalog());
      ServingModel challenger = deps.rebase(next.view(), pool, availability, dp);
      unfollowChallenger();
      challengerAvailability = availability;
      deps.models().challenge(challenger, challengerShare, retire(next, pool));
      LOG.info(
          "serving challenger {} to {} % of the users beside {}",
          version, challengerShare * 100, champion.version());
      return true;
    } catch (RuntimeException e) {
      failed.increment();
      LOG.error("serving challenger {} failed", version, e);
      pool.tell(ScoringModel.Retire.INSTANCE);
      next.close();
      return false;
    }
  }

  /**
   * Loads the model in {@code folder} with the node's retrieval index, or counts and logs the
   * failure ("cannot load {what}: why") and returns null.
   */
  private LoadedModel load(Path folder, String what) {
    try {
      ModelMeta meta = ModelFolder.at(folder).meta();
      return LoadedModel.load(folder, meta.catalog(), meta.trainCounts(), 0, index);
    } catch (RuntimeException e) {
      failed.increment();
      LOG.error("cannot load {}: {}", what, e.getMessage());
      return null;
    }
  }

  private void unfollowChallenger() {
    ItemAvailability old = challengerAvailability;
    if (old != null) {
      deps.models().current().availability().unfollow(old);
      challengerAvailability = null;
    }
  }

  /**
   * Builds the snapshot of the model in {@code folder} and makes it current; on any failure the
   * node keeps serving its version.
   *
   * @return whether the node now serves {@code folder}'s model
   */
  public synchronized boolean swapTo(Path folder) {
    String version = folder.getFileName().toString();
    long t0 = System.nanoTime();
    String problem = ModelChecksums.checksumProblem(folder);
    if (problem != null) {
      refusedVersion = version;
      refused.increment();
      LOG.error("not serving {}: {}; still serving {}", version, problem, servingVersion());
      return false;
    }
    LoadedModel next = load(folder, version + "; still serving " + servingVersion());
    if (next == null) {
      return false;
    }
    ActorRef<ScoringModel.Command> pool = null;
    try {
      pool =
          system.systemActorOf(
              scoringPool(scoring, next, metrics),
              "scoring-" + version + "-" + pools.incrementAndGet(),
              Props.empty());
      ServingModel old = deps.models().current();
      List<Catalogue.Availability> outside = new ArrayList<>();
      List<String> unavailable = new ArrayList<>();
      outsideOf(old, next.view(), outside, unavailable);
      Consumer<List<Catalogue.Availability>> listener = items -> {};
      if (liveCatalogue != null && next.scorer().hasTextTower()) {
        // The switch first, unbounded (it only waits for embeddings already queued): after it no
        // embedding runs on the old scorer. Then the re-embedding, bounded by swap-timeout.
        liveCatalogue.switchTo(next.scorer(), next.view().live()).join();
        try {
          liveCatalogue.embedAll(outside).get(embedTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          LOG.warn(
              "re-embedding {} live items for {} took over {}; swapping, the catalogue's next"
                  + " re-read embeds the rest",
              outside.size(),
              version,
              embedTimeout);
        }
        listener = liveCatalogue;
      }
      ItemAvailability availability =
          old.availability().rebase(next.view().catalog(), listener, unavailable);
      ServingModel serving = deps.rebase(next.view(), pool, availability, dp);
      deps.models().swap(serving, retire(next, pool));
      last = next;
      long nanos = System.nanoTime() - t0;
      duration.record(nanos, TimeUnit.NANOSECONDS);
      swapped.increment();
      refusedVersion = null;
      served.accept(version);
      LOG.info(
          "now serving {} ({} items, {} live re-embedded) after {} ms; {} retires when its last"
              + " request is done",
          version,
          next.view().catalog().size(),
          outside.size(),
          nanos / 1_000_000,
          old.version());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(next, pool, version, e);
      return false;
    } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
      abandon(next, pool, version, e);
      return false;
    }
  }

  private void abandon(
      LoadedModel next, ActorRef<ScoringModel.Command> pool, String version, Exception e) {
    failed.increment();
    LOG.error("swapping to {} failed; still serving {}", version, servingVersion(), e);
    if (pool != null) {
      pool.tell(ScoringModel.Retire.INSTANCE);
    }
    if (liveCatalogue != null) {
      // Back to the serving model's text path if the switch happened; only then may the new
      // scorer close (no embedding runs on it after the switch back).
      ServingModel serving = deps.models().current();
      try {
        liveCatalogue.switchTo(last.scorer(), serving.model().live()).join();
      } catch (RuntimeException busy) {
        LOG.error("cannot switch the live catalogue back; {} stays open", version, busy);
        return;
      }
    }
    next.close();
  }

  /**
   * Lists what the next model does not know of the serving one's items: live items (and trained
   * ones, after a rollback) outside {@code next}'s catalogue, to embed from text; and live items
   * {@code next} was trained on that are deleted or out of stock.
   */
  private static void outsideOf(
      ServingModel old,
      ModelView next,
      List<Catalogue.Availability> outside,
      List<String> unavailable) {
    LiveItems.Snapshot live = old.model().live().snapshot();
    for (int j = 0; j < live.size(); j++) {
      LiveItems.Entry e = live.entries().get(j);
      boolean available = !live.removed().get(j);
      if (next.catalog().indexOf(e.itemId()) >= 0) {
        if (!available) {
          unavailable.add(e.itemId());
        }
      } else {
        outside.add(new Catalogue.Availability(e.itemId(), available, e.category(), e.textHash()));
      }
    }
    ItemAvailability.Snapshot avail = old.availability().snapshot();
    for (int i = 0; i < old.model().catalog().size(); i++) {
      String id = old.model().catalog().get(i).itemId();
      if (next.catalog().indexOf(id) < 0) {
        outside.add(new Catalogue.Availability(id, avail.available(i), avail.categories()[i], 0));
      }
    }
  }

  /**
   * What runs when a retired snapshot's last request is done: off the releasing (scoring) thread,
   * the pool's routees stop and the TensorFlow session is closed.
   */
  private Runnable retire(LoadedModel model, ActorRef<ScoringModel.Command> pool) {
    Runnable close =
        () -> {
          pool.tell(ScoringModel.Retire.INSTANCE);
          model.close();
          LOG.info("retired model {}", model.view().modelVersion());
        };
    return () -> {
      try {
        retirer.execute(close);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        close.run();
      }
    };
  }

  /**
   * Whether the watcher follows the registry: only while the node serves one of its versions. A
   * node started on another model ({@code serve --model}, a dataset's model, the demo's) keeps it
   * until a promotion or rollback on this node moves it into the registry.
   */
  private boolean followsRegistry() {
    return java.nio.file.Files.isDirectory(ModelChecksums.folder(registryDir, servingVersion()));
  }

  /** Starts following {@code current} every {@code interval} (the registry watcher). */
  void watch(Duration interval) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            interval,
            interval,
            () -> {
              try {
                if (followsRegistry()) {
                  followCurrent();
                  followChallenger();
                }
              } catch (RuntimeException e) {
                LOG.warn("following the registry's current version failed: {}", e.toString());
              }
            },
            scala.concurrent.ExecutionContext.fromExecutorService(watcher));
  }

  /** Closes the serving model's scorer at shutdown (after serving stopped). */
  @Override
  public void close() {
    watcher.shutdownNow();
    retirer.shutdown();
    last.close();
    ServingModel challenger = deps.models().dropChallenger();
    if (challenger != null) {
      LOG.debug("challenger {} closes with the node", challenger.version());
    }
  }
}
