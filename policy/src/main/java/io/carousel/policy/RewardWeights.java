package io.carousel.policy;

/**
 * Maps an interaction's {@link EventType} to a bandit reward in [0, 1], so that a posterior mean
 * score reads as an (engagement-weighted) click-through rate.
 *
 * @param view reward of a view (impression that was opened), in [0, 1]
 * @param click reward of a click, in [0, 1]
 * @param addToCart reward of an add-to-cart, in [0, 1]
 * @param purchase reward of a purchase, in [0, 1]
 */
public record RewardWeights(double view, double click, double addToCart, double purchase) {

  /** Validates the weights; throws IllegalArgumentException if any is NaN or outside [0, 1]. */
  public RewardWeights {
    check("view", view);
    check("click", click);
    check("addToCart", addToCart);
    check("purchase", purchase);
  }

  /** Returns the defaults (view 0.2, click 1, add-to-cart 1, purchase 1). */
  public static RewardWeights defaults() {
    return new RewardWeights(0.2, 1.0, 1.0, 1.0);
  }

  /** Returns the reward in [0, 1] for event type {@code t}; throws NullPointerException if null. */
  public double of(EventType t) {
    return switch (t) {
      case VIEW -> view;
      case CLICK -> click;
      case ADD_TO_CART -> addToCart;
      case PURCHASE -> purchase;
    };
  }

  private static void check(String name, double w) {
    // Written as a negated range test so that NaN fails too.
    if (!(w >= 0.0 && w <= 1.0)) {
      throw new IllegalArgumentException(name + " reward must be in [0, 1], got " + w);
    }
  }
}
