package io.carousel.user;

import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads every persisted version of the {@link UserState} snapshot into today's record (registered
 * in this module's {@code reference.conf}; the rule is in {@code
 * docs/decisions/0002-event-versioning.md}).
 *
 * <ul>
 *   <li>Version 1 (manifest without {@code #n}): {@code recentEventIds}, the idempotency window as
 *       a list of event id strings.
 *   <li>Version 2: {@code recentEventFingerprints}, the same window as 64-bit fingerprints ({@link
 *       EventIdLog#fingerprint}), so an id remembered before the upgrade is still recognised as a
 *       repeat after it; and {@code pending.features} as one row-major {@code float[slots * k]}
 *       instead of {@code float[slots][k]}.
 *   <li>Version 3: {@code policyState.observations}, a few bandit observations kept raw ({@link
 *       io.carousel.policy.PackedPosterior#observe}); absent in version 2, which reads as none. The
 *       version is raised so that a node of the previous release refuses such a snapshot instead of
 *       silently dropping those observations.
 *   <li>Version 4: {@code recentEventFingerprints} is an {@link EventIdLog} (fingerprints of every
 *       id within the idempotency retention, by arrival bucket) instead of the last 256 as a plain
 *       array. An older window becomes one bucket that arrived when the snapshot is read (its real
 *       arrival times were never stored), so those ids stay recognised for a full retention after
 *       the upgrade. Raised so that a node of the previous release refuses the new shape.
 *   <li>Version 5: {@code pending.rewards}, the strongest reward per slot of the pending slate, to
 *       be learned once when the slate closes (docs/durability.md, "Rewards, disk and poison
 *       rows"); absent before, which reads as none, and there {@code pending.rewarded} marks the
 *       slots an older release already learned on arrival, which are never learned again. Raised so
 *       that a node of the previous release refuses such a snapshot instead of dropping rewards.
 * </ul>
 */
public final class UserStateMigration extends JacksonMigration {
  /** The version written today. */
  static final int CURRENT = 5;

  /** Returns the version this code writes. */
  @Override
  public int currentVersion() {
    return CURRENT;
  }

  /**
   * Returns {@code json} with the version-1 event id list replaced by its fingerprints, nested
   * pending features flattened and a fingerprint array turned into an {@link EventIdLog}. Field by
   * field: a field already in today's shape is left alone.
   */
  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode root) {
      if (root.has("recentEventIds") && !root.has("recentEventFingerprints")) {
        ArrayNode fingerprints = root.putArray("recentEventFingerprints");
        for (JsonNode id : root.remove("recentEventIds")) {
          fingerprints.add(EventIdLog.fingerprint(id.asText()));
        }
      }
      if (root.get("pending") instanceof ObjectNode pending
          && pending.get("features") instanceof ArrayNode rows
          && rows.size() > 0
          && rows.get(0).isArray()) {
        ArrayNode flat = pending.putArray("features");
        for (JsonNode row : rows) {
          flat.addAll((ArrayNode) row);
        }
      }
    }
    if (fromVersion < 4
        && json instanceof ObjectNode root
        && root.get("recentEventFingerprints") instanceof ArrayNode window) {
      long[] fingerprints = new long[window.size()];
      for (int i = 0; i < fingerprints.length; i++) {
        fingerprints[i] = window.get(i).asLong();
      }
      EventIdLog log = EventIdLog.oneBucket(fingerprints, System.currentTimeMillis());
      ObjectNode node = root.putObject("recentEventFingerprints");
      ArrayNode ids = node.putArray("fingerprints");
      for (long f : log.fingerprints()) {
        ids.add(f);
      }
      ArrayNode buckets = node.putArray("buckets");
      for (long b : log.buckets()) {
        buckets.add(b);
      }
    }
    return json;
  }
}
