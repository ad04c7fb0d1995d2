package io.carousel.user;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.carousel.policy.ContextFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The last slate served to a shopper, whose impressions await a reward: slot j's context when
 * served ({@code float[k]}) and the strongest reward seen on it so far are kept until the next
 * slate closes the slate's attribution window; then each slot is learned once, with its strongest
 * reward (0 when it got none). Immutable.
 *
 * <p>{@code rewarded} marks the slots whose reward an older release already put into the posterior
 * when it arrived (snapshots of version ≤ 3): they are never learned again. Today's code never sets
 * it; it keeps the slot's best reward in {@code rewards} instead ({@code null} until the first one:
 * most slates are never rewarded, and the array would cost ~100 B per user).
 *
 * <p>Memory: a context is 4 head features (bias, model score, popularity, seen), 12 projected
 * item-vector dimensions and the trend features. The projected 12 depend on the item only, so a
 * slot refers to the node's shared copy ({@link ModelView#projection}) when the served values are
 * bit-identical to it, and keeps its own copy otherwise (a slate served under another model, or
 * read from a snapshot). Only the head and trends are per shopper: for 10 slots at k = 18 about 0.3
 * KB instead of 0.74 KB for the whole contexts. The persisted form is unchanged: {@code features}
 * as one row-major {@code float[slots * k]}.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public final class PendingSlate {
  private static final int FROM = ContextFeatures.PROJECTED_FROM;
  private static final int PROJECTED = ContextFeatures.PROJECTED_DIMS;

  private final String slateId;
  private final List<String> itemIds;
  // Per slot: the k - 12 features outside the projected block, in context order (head, trends);
  // all k when contexts are narrower than 16 (then projected is null).
  private final float[] own;
  private final float[][] projected;
  private final boolean[] rewarded;
  // Per slot: the strongest reward so far, not yet learned; null while no slot has one.
  private final double[] rewards;
  // The model version that served the slate (its SlateServed's), for the online comparison per
  // version (ADR 0014); not persisted: null for a slate read from a snapshot.
  private final String modelVersion;

  private PendingSlate(
      String slateId,
      List<String> itemIds,
      float[] own,
      float[][] projected,
      boolean[] rewarded,
      double[] rewards,
      String modelVersion) {
    this.slateId = slateId;
    this.itemIds = itemIds;
    this.own = own;
    this.projected = projected;
    this.rewarded = rewarded;
    this.rewards = rewards;
    this.modelVersion = modelVersion;
  }

  /**
   * Reads the persisted form; every slot keeps its own projected values.
   *
   * @param features {@code float[slots * k]} row-major
   * @param rewarded slots an older release already learned (version ≤ 3 snapshots)
   * @param rewards {@code double[slots]} best reward per slot not yet learned, or null (none; every
   *     snapshot before version 4)
   * @throws IllegalArgumentException if features.length is not a multiple of the slot count, or
   *     rewards is not one per slot
   */
  @JsonCreator
  static PendingSlate read(
      @JsonProperty("slateId") String slateId,
      @JsonProperty("itemIds") List<String> itemIds,
      @JsonProperty("features") float[] features,
      @JsonProperty("rewarded") boolean[] rewarded,
      @JsonProperty("rewards") double[] rewards) {
    int slots = itemIds.size();
    if (slots == 0 ? features.length != 0 : features.length % slots != 0) {
      throw new IllegalArgumentException(
          features.length + " features do not split into " + slots + " slots");
    }
    if (rewards != null && rewards.length != slots) {
      throw new IllegalArgumentException(rewards.length + " rewards for " + slots + " slots");
    }
    int k = slots == 0 ? 0 : features.length / slots;
    float[][] rows = new float[slots][];
    for (int j = 0; j < slots; j++) {
      rows[j] = Arrays.copyOfRange(features, j * k, (j + 1) * k);
    }
    PendingSlate p = of(slateId, itemIds, rows, id -> null, rewarded);
    return rewards == null
        ? p
        : new PendingSlate(slateId, itemIds, p.own, p.projected, rewarded, rewards.clone(), null);
  }

  /**
   * Returns a fresh pending slate, nothing rewarded.
   *
   * @param features {@code float[slots][k]}, slot j's context when served
   * @param shared an item id's shared projected values ({@code float[12]}) or null; a slot refers
   *     to them only if they equal its own served values
   */
  static PendingSlate of(
      String slateId, List<String> itemIds, float[][] features, Function<String, float[]> shared) {
    return of(slateId, itemIds, features, shared, new boolean[itemIds.size()]);
  }

  private static PendingSlate of(
      String slateId,
      List<String> itemIds,
      float[][] features,
      Function<String, float[]> shared,
      boolean[] rewarded) {
    int slots = features.length;
    int k = slots == 0 ? 0 : features[0].length;
    boolean split = k >= FROM + PROJECTED;
    int ownWidth = split ? k - PROJECTED : k;
    float[] own = new float[slots * ownWidth];
    float[][] projected = split ? new float[slots][] : null;
    for (int j = 0; j < slots; j++) {
      float[] x = features[j];
      if (!split) {
        System.arraycopy(x, 0, own, j * ownWidth, k);
        continue;
      }
      System.arraycopy(x, 0, own, j * ownWidth, FROM);
      System.arraycopy(x, FROM + PROJECTED, own, j * ownWidth + FROM, k - FROM - PROJECTED);
      float[] candidate = shared.apply(itemIds.get(j));
      projected[j] =
          candidate != null && Arrays.equals(x, FROM, FROM + PROJECTED, candidate, 0, PROJECTED)
              ? candidate
              : Arrays.copyOfRange(x, FROM, FROM + PROJECTED);
    }
    return new PendingSlate(slateId, itemIds, own, projected, rewarded, null, null);
  }

  /**
   * Returns the model version that served this slate, or null when unknown (read from a snapshot).
   */
  public String modelVersion() {
    return modelVersion;
  }

  /** Returns this slate served by {@code version} (the contexts are shared, not copied). */
  PendingSlate servedBy(String version) {
    return new PendingSlate(slateId, itemIds, own, projected, rewarded, rewards, version);
  }

  /** Returns the slate id. */
  @JsonProperty("slateId")
  public String slateId() {
    return slateId;
  }

  /** Returns the items in slot order (the catalogue's own String instances where possible). */
  @JsonProperty("itemIds")
  public List<String> itemIds() {
    return itemIds;
  }

  /**
   * Returns which slots an older release already learned when their reward arrived (the live array:
   * do not modify); all false for a slate served by this release.
   */
  @JsonProperty("rewarded")
  public boolean[] rewarded() {
    return rewarded;
  }

  /**
   * Returns the best reward per slot not yet learned, {@code double[slots]} (a copy), or null when
   * no slot got one (also the persisted form: the field is then absent).
   */
  @JsonProperty("rewards")
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public double[] rewards() {
    return rewards == null ? null : rewards.clone();
  }

  /** Returns the strongest reward slot {@code slot} got so far and not yet learned (0 = none). */
  public double bestReward(int slot) {
    return rewards == null ? 0.0 : rewards[slot];
  }

  /**
   * Returns the slot of {@code itemId} if it can still earn a reward (it is in the slate and no
   * older release learned it already), else -1.
   */
  public int rewardableSlotOf(String itemId) {
    int slot = itemIds.indexOf(itemId);
    return slot >= 0 && !rewarded[slot] ? slot : -1;
  }

  /**
   * Returns a copy whose slot {@code slot} keeps {@code reward} as its best reward if it is
   * stronger than the one kept, else this (the contexts are shared, not copied).
   */
  PendingSlate withReward(int slot, double reward) {
    if (!(reward > bestReward(slot))) {
      return this;
    }
    double[] r = rewards == null ? new double[itemIds.size()] : rewards.clone();
    r[slot] = reward;
    return new PendingSlate(slateId, itemIds, own, projected, rewarded, r, modelVersion);
  }

  /**
   * Returns the slots to learn when this slate's attribution window closes: every slot an older
   * release did not learn already, with its context and its best reward (0 when it got none).
   *
   * @return {@code features} {@code float[n][k]} and {@code rewards} {@code double[n]}, same order
   */
  Closing closing() {
    List<float[]> x = new java.util.ArrayList<>(itemIds.size());
    List<Double> r = new java.util.ArrayList<>(itemIds.size());
    for (int slot = 0; slot < itemIds.size(); slot++) {
      if (!rewarded[slot]) {
        x.add(featuresOf(slot));
        r.add(bestReward(slot));
      }
    }
    return new Closing(
        x.toArray(new float[0][]), r.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The observations a closing slate contributes: one per slot, context and reward. */
  record Closing(float[][] features, double[] rewards) {}

  /** Returns every slot's context, {@code float[slots * k]} row-major (a new array). */
  @JsonProperty("features")
  public float[] features() {
    int slots = itemIds.size();
    int k = k();
    float[] out = new float[slots * k];
    for (int j = 0; j < slots; j++) {
      writeSlot(j, out, j * k);
    }
    return out;
  }

  /** Returns the context dimension k (0 for an empty slate). */
  public int k() {
    int slots = itemIds.size();
    if (slots == 0) {
      return 0;
    }
    return own.length / slots + (projected == null ? 0 : PROJECTED);
  }

  /** Returns slot {@code slot}'s context when served, {@code float[k]} (a new array). */
  public float[] featuresOf(int slot) {
    float[] out = new float[k()];
    writeSlot(slot, out, 0);
    return out;
  }

  private void writeSlot(int slot, float[] out, int at) {
    int ownWidth = own.length / itemIds.size();
    if (projected == null) {
      System.arraycopy(own, slot * ownWidth, out, at, ownWidth);
      return;
    }
    System.arraycopy(own, slot * ownWidth, out, at, FROM);
    System.arraycopy(projected[slot], 0, out, at + FROM, PROJECTED);
    System.arraycopy(own, slot * ownWidth + FROM, out, at + FROM + PROJECTED, ownWidth - FROM);
  }

  /** Returns whether slot {@code slot}'s projected values are the node's shared instance. */
  boolean sharesProjection(int slot, float[] sharedInstance) {
    return projected != null && projected[slot] == sharedInstance;
  }

  /**
   * Returns a copy with slot {@code slot} marked as learned already, as an older release left it
   * (tests and migrations; the contexts are shared, not copied).
   */
  PendingSlate withRewarded(int slot) {
    boolean[] r = rewarded.clone();
    r[slot] = true;
    return new PendingSlate(slateId, itemIds, own, projected, r, rewards, modelVersion);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingSlate p
        && slateId.equals(p.slateId)
        && itemIds.equals(p.itemIds)
        && Arrays.equals(rewarded, p.rewarded)
        && Arrays.equals(rewards, p.rewards)
        && Arrays.equals(features(), p.features());
  }

  @Override
  public int hashCode() {
    return slateId.hashCode() * 31 + itemIds.hashCode();
  }

  @Override
  public String toString() {
    return "PendingSlate[" + slateId + ", " + itemIds + ", k=" + k() + "]";
  }
}
