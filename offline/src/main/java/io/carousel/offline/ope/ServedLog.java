package io.carousel.offline.ope;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carousel.user.UserProfile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The served log as logged bandit feedback: one {@link Row} per shown slot of every SlateServed
 * event, with the reward of that slot from the RewardObserved events of the same slate. A slot
 * without a RewardObserved event has reward 0 — the live profile applies exactly that when the next
 * slate is served; a user's last slate, still pending in the journal, is counted the same way.
 */
public final class ServedLog {

  /**
   * One shown slot.
   *
   * @param userId the shopper (the persistence id without its {@code UserProfile|} prefix)
   * @param slateId the slate, {@code <userId>/<sequence>}
   * @param policyId the logging policy, e.g. {@code epsilon-greedy}
   * @param position slot, 0 on top
   * @param slateSize items in the slate
   * @param itemId the item shown
   * @param propensity the logging policy's probability of the item in this slot, in (0, 1]
   * @param reward the reward observed for it (0 if none)
   * @param features {@code float[k]} the item's context when served
   */
  public record Row(
      String userId,
      String slateId,
      String policyId,
      int position,
      int slateSize,
      String itemId,
      double propensity,
      double reward,
      float[] features) {}

  private static final String PREFIX = UserProfile.TYPE_KEY.name() + "|";

  private ServedLog() {}

  /**
   * Returns the rows of {@code eventsByPersistenceId} (each list in sequence-number order),
   * persistence ids in the map's order, slates in journal order; events other than SlateServed and
   * RewardObserved are ignored, as are empty slates. A repeated reward for a slot keeps the
   * largest.
   */
  public static List<Row> rows(Map<String, List<Object>> eventsByPersistenceId) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Object>> e : eventsByPersistenceId.entrySet()) {
      String pid = e.getKey();
      String userId = pid.startsWith(PREFIX) ? pid.substring(PREFIX.length()) : pid;
      Map<String, Map<String, Double>> rewards = new HashMap<>();
      List<UserProfile.SlateServed> slates = new ArrayList<>();
      for (Object event : e.getValue()) {
        if (event instanceof UserProfile.SlateServed s && !s.itemIds().isEmpty()) {
          slates.add(s);
        } else if (event instanceof UserProfile.RewardObserved r) {
          rewards
              .computeIfAbsent(r.slateId(), k -> new HashMap<>())
              .merge(r.itemId(), r.reward(), Math::max);
        }
      }
      for (UserProfile.SlateServed s : slates) {
        Map<String, Double> got = rewards.getOrDefault(s.slateId(), Map.of());
        int k = s.itemIds().size();
        for (int j = 0; j < k; j++) {
          String item = s.itemIds().get(j);
          rows.add(
              new Row(
                  userId,
                  s.slateId(),
                  s.policyId(),
                  j,
                  k,
                  item,
                  s.propensities()[j],
                  got.getOrDefault(item, 0.0),
                  s.features()[j]));
        }
      }
    }
    return rows;
  }

  /**
   * Writes {@code rows} to {@code file} as NDJSON, one object per row: {@code {slateId, userId,
   * policyId, position, itemId, propensity, reward, features}}; throws IOException on failure.
   */
  public static void writeNdjson(List<Row> rows, Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Row r : rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slateId", r.slateId());
        m.put("userId", r.userId());
        m.put("policyId", r.policyId());
        m.put("position", r.position());
        m.put("itemId", r.itemId());
        m.put("propensity", r.propensity());
        m.put("reward", r.reward());
        m.put("features", r.features());
        w.write(mapper.writeValueAsString(m));
        w.newLine();
      }
    }
  }
}
