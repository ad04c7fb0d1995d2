package io.carousel.policy;

import java.util.Locale;

/**
 * The kinds of shopper behaviour Carousel ingests, with their logical wire names ({@code "click"}).
 *
 * <p>Ordered by strength of intent; {@link #ordinal()} is stable and may index per-type arrays.
 */
public enum EventType {
  VIEW("view"),
  CLICK("click"),
  ADD_TO_CART("add_to_cart"),
  PURCHASE("purchase");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the logical name used on the wire and in logs, e.g. {@code "add_to_cart"}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name (ASCII letters in any case, surrounding spaces or control characters
   * ignored; {@code "add-to-cart"} and {@code "cart"} are accepted as tolerant-reader aliases). The
   * http-api's {@code openapi.yaml} states exactly this as the event type's pattern.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code name} is unknown
   */
  public static EventType fromWire(String name) {
    if (name != null && name.chars().allMatch(c -> c < 128)) {
      // ASCII only: Java's lower-casing maps the Kelvin sign to 'k', so "clic\u212A" passed.
      String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      for (EventType t : values()) {
        if (t.wireName.equals(n)) {
          return t;
        }
      }
      if (n.equals("cart") || n.equals("addtocart")) {
        return ADD_TO_CART;
      }
      if (n.equals("order") || n.equals("transaction")) {
        return PURCHASE;
      }
    }
    throw new IllegalArgumentException(
        "unknown event type '" + name + "'; expected one of view, click, add_to_cart, purchase");
  }
}
