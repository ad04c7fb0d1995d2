package io.carousel.user;

import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads every persisted version of {@link UserProfile.InteractionRecorded} into today's record
 * (registered in this module's {@code reference.conf} under {@code
 * akka.serialization.jackson.migrations}; the rule is in {@code
 * docs/decisions/0002-event-versioning.md}).
 *
 * <ul>
 *   <li>Version 1 (manifest without {@code #n}): every row written before this migration existed.
 *       Carousel itself always wrote today's field names; the version-1 shape this class also
 *       accepts is an older writer's, with {@code timestamp} for {@code eventTimeMs}, {@code item}
 *       for {@code itemId} and no {@code slateId}. The transform is field-by-field and tolerant: a
 *       field already under its new name is left alone, so both shapes read.
 *   <li>Version 2: today's shape; written with manifest suffix {@code #2}.
 * </ul>
 */
public final class InteractionRecordedMigration extends JacksonMigration {
  /** The version written today. */
  static final int CURRENT = 2;

  /** Returns the version this code writes. */
  @Override
  public int currentVersion() {
    return CURRENT;
  }

  /** Returns {@code json} with version-1 field names renamed; missing optional fields stay null. */
  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode root) {
      rename(root, "timestamp", "eventTimeMs");
      rename(root, "item", "itemId");
      if (!root.has("slateId")) {
        root.putNull("slateId");
      }
    }
    return json;
  }

  private static void rename(ObjectNode root, String from, String to) {
    if (root.has(from) && !root.has(to)) {
      root.set(to, root.remove(from));
    }
  }
}
