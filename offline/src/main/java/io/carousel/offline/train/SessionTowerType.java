package io.carousel.offline.train;

import java.util.Locale;

/** Which function the session tower computes over the history's item vectors. */
public enum SessionTowerType {
  /**
   * Softmax-weighted pooling with one learned logit per position, then a residual dense layer: an
   * order-aware bag of items (positions only re-weight it).
   */
  POOLING,
  /**
   * One self-attention block with learned positional embeddings, residual connections, layer
   * normalisation and a feed-forward layer, read at the most recent position (Kang and McAuley,
   * "Self-Attentive Sequential Recommendation", ICDM 2018, §III-B to §III-D); see {@link
   * AttentionTower}.
   */
  ATTENTION;

  /** Returns the lower-case name used on the command line and in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the type named {@code label} (case-insensitive).
   *
   * @throws IllegalArgumentException if no type has that name
   */
  public static SessionTowerType fromLabel(String label) {
    for (SessionTowerType t : values()) {
      if (t.label().equalsIgnoreCase(label.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown session tower '" + label + "'; known: pooling, attention");
  }
}
