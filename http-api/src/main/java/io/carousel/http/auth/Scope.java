package io.carousel.http.auth;

import java.util.Locale;

/**
 * What an API key may do. {@code admin} allows everything; the others allow only their routes (see
 * {@link RouteAccess}).
 */
public enum Scope {
  /** Send events ({@code POST /v1/events}) and mint shopper tokens ({@code POST /v1/tokens}). */
  INGEST,
  /** Read slates, the stream, profiles and the catalogue. */
  READ,
  /** Change the catalogue, forget users, read cluster state, stats and metrics; and all above. */
  ADMIN;

  /** Returns the scope as written in a keys file ({@code ingest}, {@code read}, {@code admin}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a scope name as written in a keys file.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Scope parse(String name) {
    for (Scope s : values()) {
      if (s.wire().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '" + name + "' (expected ingest, read or admin)");
  }
}
