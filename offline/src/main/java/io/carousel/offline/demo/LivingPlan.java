package io.carousel.offline.demo;

import io.carousel.engine.Catalog;
import io.carousel.engine.Item;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.Interaction;
import io.carousel.offline.data.TimeSplit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the living-model demo replays and when it retrains (issue 16 §4), decided before any server
 * starts so that both arms see exactly the same stream.
 *
 * <p>The dataset is split by time as the plain demo splits it; the starting model is trained on the
 * earlier part only, and its catalogue holds only the items that occur there. An item whose first
 * event is in the replayed part is a <em>live item</em>: it is sent through {@code PUT /v1/items}
 * (its text from the dataset) at the start of the segment that holds its first event, before any of
 * that segment's events. The replay is cut into segments of {@code retrainEvery} events; after
 * every segment but the last the living arm retrains (a retrain after the last event would be
 * judged on no traffic).
 *
 * @param base the earlier interactions (the starting model's training data, and every retrain's
 *     base dataset)
 * @param baseItems the items that occur in {@code base}, in the dataset's catalogue order
 * @param replay the later interactions replayed to both arms, time order
 * @param liveItems the items first seen in {@code replay}, by id, in order of first event
 * @param segments the replay cut at each retrain
 */
public record LivingPlan(
    List<Interaction> base,
    List<Item> baseItems,
    List<Interaction> replay,
    Map<String, Item> liveItems,
    List<Segment> segments) {

  /**
   * Replay events {@code [from, to)}; {@code putFirst} are the live items whose first event lies in
   * it; {@code retrainAfter}: the living arm retrains once the segment's events are in.
   */
  public record Segment(int from, int to, List<Item> putFirst, boolean retrainAfter) {}

  /**
   * Plans a run.
   *
   * @param trainFraction share of the interactions (by time) in the earlier part, in (0, 1)
   * @param maxEvents replay at most this many later events, 0 = all
   * @param retrainEvery events per segment, ≥ 1
   * @throws IllegalArgumentException on a bad argument or when nothing is left to replay
   */
  public static LivingPlan of(
      Dataset dataset, double trainFraction, int maxEvents, int retrainEvery) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
    }
    if (maxEvents < 0 || retrainEvery < 1) {
      throw new IllegalArgumentException(
          "--max-events must be >= 0 and --retrain-every >= 1, got "
              + maxEvents
              + " and "
              + retrainEvery);
    }
    TimeSplit split = TimeSplit.byTime(dataset.interactions(), trainFraction);
    List<Interaction> replay = split.replay();
    if (maxEvents > 0 && replay.size() > maxEvents) {
      replay = replay.subList(0, maxEvents);
    }
    if (replay.isEmpty()) {
      throw new IllegalArgumentException(
          dataset.name() + " leaves nothing to replay after the earlier " + trainFraction);
    }
    Set<String> seen = new HashSet<>();
    for (Interaction i : split.train()) {
      seen.add(i.itemId());
    }
    Catalog catalog = dataset.catalog();
    List<Item> baseItems = new ArrayList<>();
    for (Item item : catalog.items()) {
      if (seen.contains(item.itemId())) {
        baseItems.add(item);
      }
    }
    Map<String, Item> live = new LinkedHashMap<>();
    Map<String, Integer> firstEvent = new LinkedHashMap<>();
    for (int i = 0; i < replay.size(); i++) {
      String id = replay.get(i).itemId();
      if (!seen.contains(id) && !live.containsKey(id)) {
        int idx = catalog.indexOf(id);
        Item item = idx >= 0 ? catalog.get(idx) : new Item(id, id, "");
        live.put(id, item);
        firstEvent.put(id, i);
      }
    }
    List<Segment> segments = new ArrayList<>();
    for (int from = 0; from < replay.size(); from += retrainEvery) {
      int to = Math.min(replay.size(), from + retrainEvery);
      List<Item> put = new ArrayList<>();
      for (Map.Entry<String, Integer> e : firstEvent.entrySet()) {
        if (e.getValue() >= from && e.getValue() < to) {
          put.add(live.get(e.getKey()));
        }
      }
      segments.add(new Segment(from, to, List.copyOf(put), to < replay.size()));
    }
    return new LivingPlan(
        split.train(), List.copyOf(baseItems), replay, live, List.copyOf(segments));
  }

  /** Returns how many retrains the plan schedules. */
  public int retrains() {
    return (int) segments.stream().filter(Segment::retrainAfter).count();
  }

  /** Returns, per replayed event, whether its item was added live. */
  public boolean[] liveItemEvents() {
    boolean[] out = new boolean[replay.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = liveItems.containsKey(replay.get(i).itemId());
    }
    return out;
  }
}
