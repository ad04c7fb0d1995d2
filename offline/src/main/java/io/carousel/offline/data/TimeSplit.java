package io.carousel.offline.data;

import io.carousel.engine.Catalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A global time split of an interaction log into a training prefix and a replay suffix: every train
 * interaction is strictly earlier than every replay interaction, so a timestamp (e.g. one Amazon
 * review day) never straddles both sides.
 *
 * @param train interactions strictly before the cut time, in input order
 * @param replay interactions at or after the cut time, in input order
 */
public record TimeSplit(List<Interaction> train, List<Interaction> replay) {

  /** Copies both lists. */
  public TimeSplit {
    train = List.copyOf(train);
    replay = List.copyOf(replay);
  }

  /**
   * Splits at the timestamp of the interaction at position {@code floor(n * trainFraction)}:
   * everything strictly before that time is train, the rest replay. Ties push the train side below
   * {@code trainFraction}, never above.
   *
   * @param sortedInteractions interactions sorted by {@code timestampMs} (as in {@code
   *     Dataset.interactions()})
   * @param trainFraction target share of train interactions, in (0, 1]; 1 = everything is train
   *     (what {@code serve} trains on), nothing is replay
   * @throws IllegalArgumentException if {@code trainFraction} is outside (0, 1] or the input is not
   *     sorted by time
   */
  public static TimeSplit byTime(List<Interaction> sortedInteractions, double trainFraction) {
    if (!(trainFraction > 0.0 && trainFraction <= 1.0)) {
      throw new IllegalArgumentException("trainFraction must be in (0, 1], was " + trainFraction);
    }
    int n = sortedInteractions.size();
    for (int i = 1; i < n; i++) {
      if (sortedInteractions.get(i).timestampMs() < sortedInteractions.get(i - 1).timestampMs()) {
        throw new IllegalArgumentException("interactions are not sorted by time at position " + i);
      }
    }
    if (n == 0) {
      return new TimeSplit(List.of(), List.of());
    }
    if (trainFraction == 1.0) {
      return new TimeSplit(sortedInteractions, List.of());
    }
    long cutMs = sortedInteractions.get((int) Math.floor(n * trainFraction)).timestampMs();
    int firstReplay = 0;
    while (firstReplay < n && sortedInteractions.get(firstReplay).timestampMs() < cutMs) {
      firstReplay++;
    }
    return new TimeSplit(
        sortedInteractions.subList(0, firstReplay), sortedInteractions.subList(firstReplay, n));
  }

  /**
   * Returns each user's item sequence as catalogue indices in time order (stable for equal times),
   * users in order of first appearance; items not in {@code catalog} are skipped, and a user left
   * with no item is omitted.
   *
   * @return userId to {@code int[sequenceLength]} of indices into {@code catalog}
   */
  public static Map<String, int[]> sequencesByUser(
      List<Interaction> interactions, Catalog catalog) {
    List<Interaction> byTime = new ArrayList<>(interactions);
    byTime.sort(Comparator.comparingLong(Interaction::timestampMs));
    Map<String, List<Integer>> lists = new LinkedHashMap<>();
    for (Interaction it : byTime) {
      int index = catalog.indexOf(it.itemId());
      if (index >= 0) {
        lists.computeIfAbsent(it.userId(), u -> new ArrayList<>()).add(index);
      }
    }
    Map<String, int[]> out = new LinkedHashMap<>(lists.size() * 2);
    lists.forEach(
        (user, items) -> out.put(user, items.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  /**
   * Returns each user's <em>target</em> items ({@link Interaction#isTarget()}) as catalogue indices
   * in time order, as {@link #sequencesByUser} returns all of them: what training learns to
   * predict. Context-only interactions (weight 0, or a weight's failed draw) are left out; the same
   * as {@link #sequencesByUser} when every weight is 1.
   */
  public static Map<String, int[]> trainingSequences(
      List<Interaction> interactions, Catalog catalog) {
    return sequencesByUser(interactions.stream().filter(Interaction::isTarget).toList(), catalog);
  }

  /**
   * Returns the popularity count of every catalogue item: its target interactions ({@link
   * Interaction#isTarget()}), so an interaction of weight w counts with probability w and a
   * context-only one never; one per interaction when every weight is 1.
   */
  public static long[] itemCounts(List<Interaction> interactions, Catalog catalog) {
    long[] counts = new long[catalog.size()];
    for (Interaction i : interactions) {
      int idx = catalog.indexOf(i.itemId());
      if (idx >= 0 && i.isTarget()) {
        counts[idx]++;
      }
    }
    return counts;
  }
}
