package io.carousel.user;

import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.Slate;
import io.carousel.policy.SlatePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns model-scored candidates into a slate: builds the bandit context x(user, item) of every
 * candidate (in the model view's layout: with {@code TWO_TRENDS} the node's short and long trend
 * popularity of the item at indices 16 and 17), lets the {@link SlatePolicy} choose the slots from
 * the user's posterior as {@link BanditModel#serving} gives it (centred on the node's pool), and
 * records items, features and propensities as a {@link UserProfile.SlateServed} event.
 * Deterministic for a given pool snapshot and trend counts: the random generator is seeded from the
 * user id and the slate's sequence number.
 */
final class SlateAssembler {
  private final ModelView model;
  private final SlatePolicy policy;
  private final ItemAvailability availability;
  private final int maxPerCategory;
  private final NodeTrends trends;
  private final BanditModel bandit;
  private final NewItemExploration exploration;

  /**
   * @param availability live categories (and stock) of the model's items
   * @param maxPerCategory most items of one category in a slate; 0 = no cap
   * @param trends the node's trend popularities, as many as the model view's layout has trends
   * @param bandit the node's bandit form (pooled or fixed prior) of the layout's dimension
   * @param exploration the node's exploration of new (text-only) items
   */
  SlateAssembler(
      ModelView model,
      SlatePolicy policy,
      ItemAvailability availability,
      int maxPerCategory,
      NodeTrends trends,
      BanditModel bandit,
      NewItemExploration exploration) {
    this.exploration = exploration;
    this.model = model;
    this.policy = policy;
    this.availability = availability;
    this.maxPerCategory = maxPerCategory;
    this.trends = trends;
    this.bandit = bandit;
  }

  /** Returns the policy that chooses the slots. */
  SlatePolicy policy() {
    return policy;
  }

  /**
   * Drops candidates whose model score is not finite (a broken model file or an overflow): their
   * contexts would be NaN, and a NaN context persisted with a slate would poison the shopper's
   * bandit state for good.
   */
  private static ScoringModel.Scores finiteOnly(ScoringModel.Scores scores) {
    float[] s = scores.scores();
    int n = 0;
    for (float v : s) {
      n += Float.isFinite(v) ? 1 : 0;
    }
    if (n == s.length) {
      return scores;
    }
    int[] items = new int[n];
    float[] kept = new float[n];
    int j = 0;
    for (int c = 0; c < s.length; c++) {
      if (Float.isFinite(s[c])) {
        items[j] = scores.items()[c];
        kept[j++] = s[c];
      }
    }
    return new ScoringModel.Scores(items, kept);
  }

  /**
   * Caps the candidates, in model-score order, at {@code maxPerCategory} per category. Capping the
   * candidate set (not the chosen slate) keeps the policy's propensities exact: any slate it can
   * choose satisfies the cap.
   */
  private ScoringModel.Scores capPerCategory(ScoringModel.Scores scores) {
    if (maxPerCategory <= 0) {
      return scores;
    }
    String[] categories = availability.snapshot().categories();
    java.util.Map<String, Integer> used = new java.util.HashMap<>();
    int[] items = new int[scores.items().length];
    float[] kept = new float[items.length];
    int n = 0;
    for (int c = 0; c < scores.items().length; c++) {
      int idx = scores.items()[c];
      String category =
          idx < categories.length ? categories[idx] : model.live().snapshot().get(idx).category();
      if (used.merge(String.valueOf(category), 1, Integer::sum) <= maxPerCategory) {
        items[n] = idx;
        kept[n++] = scores.scores()[c];
      }
    }
    return new ScoringModel.Scores(
        java.util.Arrays.copyOf(items, n), java.util.Arrays.copyOf(kept, n));
  }

  /**
   * Chooses a slate of {@code k} items from {@code scores}.
   *
   * @param userId the shopper, part of the random seed
   * @param state the shopper's state (bandit statistics, recent items, session embedding)
   * @param candidates top-N candidates from the scoring model, excluded items already removed
   * @param k slots wanted; fewer when there are fewer candidates
   * @param nowMs serve time, epoch ms
   * @param trigger why the slate was made: {@code request}, {@code subscribe} or {@code event}
   * @param viewing whether the request named the item on screen ({@code context})
   * @param excluded dense indices no slot may hold (the query's business rules), may be null
   * @return the event to persist; its item list may be empty when there are no candidates
   */
  UserProfile.SlateServed assemble(
      String userId,
      UserState state,
      ScoringModel.Scores candidates,
      int k,
      long nowMs,
      String trigger,
      boolean viewing,
      java.util.BitSet excluded) {
    ScoringModel.Scores scores = capPerCategory(finiteOnly(candidates));
    int n = scores.items().length;
    float[][] features = new float[n][];
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores.scores()) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    float range = max > min ? max - min : 1f;
    ContextFeatures cf = model.features();
    float[][] trend = trends.values(scores.items());
    for (int c = 0; c < n; c++) {
      int idx = scores.items()[c];
      float modelScore = (scores.scores()[c] - min) / range;
      features[c] =
          cf.buildFromProjection(
              modelScore, model.popularityOf(idx), false, model.projection(idx), trend[c]);
    }
    long seq = state.slatesServed() + 1;
    String slateId = slateId(userId, seq);
    SplittableRandom rng = new SplittableRandom(userId.hashCode() * 31L + seq);
    // The exploration slot (NewItemExploration): decided before the policy chooses, from arms the
    // policy cannot reach (new items outside the candidates), so each slot has one way to an item.
    int[] arms =
        exploration.arms(model.live().snapshot(), excluded, scores.items(), state.session());
    double q = arms.length == 0 ? 0 : exploration.probability(k);
    boolean explore = q > 0 && new SplittableRandom(rng.nextLong()).nextDouble() < q;
    if (n == 0 && !explore) {
      return new UserProfile.SlateServed(
          slateId,
          List.of(),
          new double[0],
          new double[0],
          new float[0][],
          policy.id(),
          List.of(),
          nowMs,
          trigger,
          model.modelVersion());
    }
    LinearPosterior posterior = bandit.serving(state, policy.id());
    int policySlots = explore ? Math.min(k - 1, n) : Math.min(k, n);
    Slate slate =
        policySlots == 0
            ? new Slate(new int[0], new double[0])
            : policy.choose(posterior, features, policySlots, rng);
    int slots = slate.chosen().length + (explore ? 1 : 0);
    List<String> items = new ArrayList<>(slots);
    double[] estimates = new double[slots];
    double[] propensities = new double[slots];
    float[][] slotFeatures = new float[slots][];
    List<String> reasons = new ArrayList<>(slots);
    for (int j = 0; j < slate.chosen().length; j++) {
      int c = slate.chosen()[j];
      int idx = scores.items()[c];
      items.add(model.itemId(idx));
      slotFeatures[j] = features[c];
      estimates[j] = posterior.meanScore(features[c]);
      propensities[j] = slate.propensities()[j];
      reasons.add(reason(state, idx, slate.propensities()[j], viewing));
    }
    if (explore) {
      NewItemExploration.Choice choice = exploration.choose(arms, model::itemId, rng);
      int j = slots - 1;
      // A new item: no model score among the candidates (below all of them: 0), no popularity.
      float[] x =
          cf.buildFromProjection(
              0f,
              model.popularityOf(choice.item()),
              false,
              model.projection(choice.item()),
              trends.values(new int[] {choice.item()})[0]);
      items.add(model.itemId(choice.item()));
      slotFeatures[j] = x;
      estimates[j] = posterior.meanScore(x);
      propensities[j] = q * choice.propensity();
      reasons.add("exploring a new item");
    } else if (q > 0 && slate.chosen().length == k) {
      // The policy's item in the exploration position was shown because the slot did not explore.
      propensities[k - 1] *= 1 - q;
    }
    return new UserProfile.SlateServed(
        slateId,
        items,
        propensities,
        estimates,
        slotFeatures,
        policy.id(),
        List.copyOf(reasons),
        nowMs,
        trigger,
        model.modelVersion());
  }

  /** A short human reason for one slot; see {@link UserProfile.SlateItem#reason()}. */
  private String reason(UserState state, int idx, double propensity, boolean viewing) {
    if (propensity < 0.5) {
      return "exploration";
    }
    float[] v = model.vector(idx);
    if (state.session().length == v.length) {
      double cos = 0;
      for (int i = 0; i < v.length; i++) {
        cos += state.session()[i] * v[i];
      }
      if (cos >= 0.5) {
        return "similar to your recent items";
      }
    }
    if (viewing && state.recentItems().isEmpty()) {
      return "related to the item you are viewing";
    }
    if (state.recentItems().isEmpty()) {
      return model.popularityOf(idx) >= 0.8f ? "popular" : "trending for new shoppers";
    }
    return model.popularityOf(idx) >= 0.8f ? "popular" : "picked for you by the model";
  }

  /**
   * Returns a new slate id: {@code <userId>/<n>.<nonce>}, n counting the user's slates and the
   * nonce 40 random bits. The count alone restarted at 1 after a forget, so a re-created user's
   * slates reused the forgotten ones' ids (an event naming an old slate id could be credited to the
   * new slate, and logs and exports mixed both); the nonce keeps ids unique across forget and
   * re-creation without keeping anything of the forgotten user. The id is stored in {@code
   * SlateServed}, so replay never recomputes it.
   */
  static String slateId(String userId, long seq) {
    long nonce = java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 24;
    return userId + "/" + seq + "." + Long.toString(nonce, 36);
  }
}
