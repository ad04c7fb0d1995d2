package io.carousel.http.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.carousel.http.Json;
import io.carousel.user.NodeState;
import io.carousel.user.ProfileDependencies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a node's {@link NodeState} (trends, pooled priors, per-policy and new-item statistics) in
 * {@value #FILE} of its data directory: restored once when the node starts, before it serves; saved
 * every {@code carousel.node-state.save-interval} on one daemon thread and once more when the node
 * stops. A save writes a temporary file and renames it over the old one, so a crash mid-save leaves
 * the previous snapshot; a restart loses at most one interval of node learning
 * (docs/decisions/0011-living-catalogue-and-node-state.md).
 */
public final class NodeStateStore implements AutoCloseable {
  /** The snapshot's file name in the data directory. */
  public static final String FILE = "node-state.json";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NodeStateStore.class);
  private static final ObjectReader READER =
      Json.MAPPER
          .readerFor(NodeState.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final ProfileDependencies deps;
  private final Clock clock;
  private ScheduledExecutorService timer;

  NodeStateStore(Path dataDir, ProfileDependencies deps, Clock clock) {
    this.file = dataDir.resolve(FILE);
    this.deps = deps;
    this.clock = clock;
  }

  /**
   * Reads the saved snapshot, if any; an unreadable file is logged and left for inspection (renamed
   * {@code .unreadable}), and the node starts as one without a snapshot (a peer's, else the
   * priors).
   */
  java.util.Optional<NodeState> load() {
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(READER.readValue(file.toFile()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("node state in {} unreadable, starting without it: {}", file, e.toString());
      try {
        Files.move(
            file, file.resolveSibling(FILE + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moved) {
        LOG.warn("could not set {} aside: {}", file, moved.toString());
      }
      return java.util.Optional.empty();
    }
  }

  /** Saves a snapshot now (temporary file, then an atomic rename). */
  synchronized void save() throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.write(tmp, Json.bytes(NodeState.capture(deps, clock.millis())));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Saves every {@code interval} (none when it is zero). */
  synchronized void start(Duration interval) {
    if (interval.isZero() || timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "carousel-node-state");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::saveLogged, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void saveLogged() {
    try {
      save();
    } catch (IOException | RuntimeException e) {
      LOG.warn("saving the node state to {} failed: {}", file, e.toString());
    }
  }

  /** Stops the timer and saves a last time. */
  @Override
  public void close() {
    synchronized (this) {
      if (timer != null) {
        timer.shutdownNow();
        timer = null;
      }
    }
    saveLogged();
  }
}
