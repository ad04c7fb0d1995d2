package io.carousel.offline.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First-order Markov chain baseline: scores item j by the number of fit transitions from the
 * history's last item to j, popularity breaking ties and covering an unseen last item (the "FPMC
 * without factorisation" of Rendle et al., "Factorizing Personalized Markov Chains for Next-Basket
 * Recommendation", WWW 2010, §3).
 */
public final class Markov implements Recommender {
  private final Map<Integer, Map<Integer, Integer>> transitions = new HashMap<>();
  private float[] popularity = new float[0];

  @Override
  public String name() {
    return "markov";
  }

  @Override
  public void fit(List<int[]> sequences, int numItems) {
    transitions.clear();
    float[] counts = Popularity.counts(sequences, numItems);
    float max = 0;
    for (float c : counts) {
      max = Math.max(max, c);
    }
    popularity = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      // Below 1, so one transition always outranks any popularity.
      popularity[i] = counts[i] / (max + 1);
    }
    for (int[] s : sequences) {
      for (int t = 1; t < s.length; t++) {
        transitions.computeIfAbsent(s[t - 1], k -> new HashMap<>()).merge(s[t], 1, Integer::sum);
      }
    }
  }

  @Override
  public float[][] score(int[] users, int[][] histories) {
    float[][] out = new float[users.length][];
    for (int b = 0; b < users.length; b++) {
      float[] row = popularity.clone();
      int[] h = histories[b];
      if (h.length > 0) {
        transitions.getOrDefault(h[h.length - 1], Map.of()).forEach((j, c) -> row[j] += c);
      }
      out[b] = row;
    }
    return out;
  }
}
