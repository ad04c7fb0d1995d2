package io.carousel.user;

import io.carousel.policy.LinearPosterior;
import io.carousel.policy.PooledPrior;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node-wide learning that is not in any user's journal, as one snapshot to save and restore
 * across restarts (docs/decisions/0011-living-catalogue-and-node-state.md): the trend popularities
 * (exact forward-decay state, by item id), each policy's pooled prior (the exact pooled regression)
 * with its impression count, the per-policy online statistics and the new items' exploration
 * statistics. Plain data, written as JSON by the node's store.
 *
 * @param format the snapshot format, {@link #FORMAT}
 * @param modelVersion the model the node served when it saved (informational: trends map by item
 *     id, so a snapshot restores into another model too)
 * @param savedAtMs wall clock of the save, epoch ms
 * @param trends one per configured half-life
 * @param pools by policy id (empty with the fixed prior)
 * @param policies per-policy slates, impressions and clicks
 * @param newItems per new item {impressions, interactions} of its exploration
 */
public record NodeState(
    int format,
    String modelVersion,
    long savedAtMs,
    List<Trend> trends,
    Map<String, Pool> pools,
    Map<String, CarouselMetrics.PolicyStats> policies,
    Map<String, long[]> newItems) {

  /** The format this build writes and reads. */
  public static final int FORMAT = 1;

  /**
   * One trend's exact state: {@code raw} forward weights by item id (zero ones left out), relative
   * to {@code landmark}, after {@code clock} interactions.
   */
  public record Trend(double halfLife, long clock, long landmark, Map<String, Double> raw) {}

  /** One policy's pool: the pooled regression and the impressions it has learned from. */
  public record Pool(LinearPosterior global, double userStrength, long impressions) {}

  /** Takes a snapshot of the node's learning from {@code deps}. */
  public static NodeState capture(ProfileDependencies deps, long nowMs) {
    Map<String, Pool> pools = new LinkedHashMap<>();
    deps.bandit()
        .pools()
        .forEach(
            (policy, pool) -> {
              // One consistent pair: the count is read under the pool's lock with its snapshot.
              synchronized (pool) {
                PooledPrior p = pool.snapshot();
                pools.put(policy, new Pool(p.global(), p.userStrength(), pool.impressions()));
              }
            });
    // One snapshot: a hot swap between reading the trends and the ids would mix two catalogues.
    ServingModel serving = deps.models().current();
    return new NodeState(
        FORMAT,
        serving.version(),
        nowMs,
        serving.trends().save(i -> serving.model().catalog().get(i).itemId()),
        pools,
        deps.metrics().policyStats(),
        deps.exploration().statistics());
  }

  /**
   * Restores this snapshot into a starting node's {@code deps}, before it serves: the trends of the
   * half-lives it has, the pools of the policies it serves in the same form (dimension and user
   * strength), the statistics. Parts that do not fit are skipped and named in the result.
   *
   * @return one line per part, what was restored or skipped and why
   */
  public List<String> restoreInto(ProfileDependencies deps) {
    List<String> notes = new java.util.ArrayList<>();
    if (format != FORMAT) {
      notes.add("skipped: snapshot format " + format + ", this build reads " + FORMAT);
      return notes;
    }
    ServingModel serving = deps.models().current();
    int restored = serving.trends().restore(trends, id -> serving.model().catalog().indexOf(id));
    notes.add("trends: " + restored + " of " + serving.trends().count() + " restored");
    deps.bandit()
        .pools()
        .forEach(
            (policy, pool) -> {
              Pool saved = pools.get(policy);
              if (saved == null) {
                notes.add("pool " + policy + ": none saved, starts from its prior");
              } else if (saved.global().dim() != deps.bandit().dim()
                  || saved.userStrength() != deps.bandit().userStrength()) {
                notes.add(
                    "pool "
                        + policy
                        + ": skipped, saved dim "
                        + saved.global().dim()
                        + " user-strength "
                        + saved.userStrength()
                        + ", configured "
                        + deps.bandit().dim()
                        + " "
                        + deps.bandit().userStrength());
              } else {
                pool.restore(
                    new PooledPrior(saved.global(), saved.userStrength()), saved.impressions());
                notes.add("pool " + policy + ": " + saved.impressions() + " impressions restored");
              }
            });
    deps.metrics().restorePolicyStats(policies);
    deps.exploration().restore(newItems);
    notes.add(
        "policy statistics of " + policies.keySet() + " and " + newItems.size() + " new items");
    return notes;
  }
}
