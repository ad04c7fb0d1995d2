package io.carousel.http.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The node's model registry and its retrain, as the server sees them. The serving modules may not
 * depend on {@code offline} or TensorFlow's training ops (ADR 0010), so the implementation is
 * handed in by {@code carousel serve} (cli: {@code offline.living}, ADR 0012).
 */
public interface ModelTrainer {
  /**
   * Trains, gates and records one version (blocking, on the caller's thread).
   *
   * @return the recorded decision; its {@code decision} is {@code promoted} or {@code rejected}
   * @throws RuntimeException when training fails; the failure is recorded as a {@code failed}
   *     decision and {@code current} is untouched
   */
  JsonNode retrain();

  /** Returns the promoted version's name ({@code models/current}), or null when there is none. */
  String currentVersion();

  /** Returns every recorded decision, oldest first. */
  List<JsonNode> decisions();

  /**
   * Points {@code current} at the promoted version before it and records a {@code rolled-back}
   * decision.
   *
   * @return the recorded decision
   * @throws Conflict when there is no earlier promoted version, or its folder fails its checksums
   */
  JsonNode rollback();

  /**
   * Serves {@code version} as the challenger (ADR 0014): {@code models/challenger}, checksums
   * verified, and a {@code challenger-started} decision.
   *
   * @return the recorded decision
   * @throws Conflict when the version is missing, current, damaged, or a challenger runs
   */
  default JsonNode startChallenger(String version) {
    throw new Conflict("this node's registry cannot serve a challenger");
  }

  /**
   * Ends the challenger run named by {@code decision.version}: promoted ({@code current} = it) or
   * dropped; {@code models/challenger} removed and {@code decision} recorded.
   *
   * @return false when that version was no longer the challenger (nothing changed)
   */
  default boolean endChallenger(
      com.fasterxml.jackson.databind.node.ObjectNode decision, boolean promote) {
    return false;
  }

  /** A request the registry's state refuses (409): says why. */
  final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }
  }
}
