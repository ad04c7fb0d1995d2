package io.carousel.http;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Integer query parameters ({@code k}, {@code offset}, {@code limit}): ASCII digits with an
 * optional sign and surrounding blanks, in a range. {@link Integer#parseInt} alone also takes
 * Arabic-Indic or full-width digits ({@code k=٣}), which no client means to send.
 */
public final class QueryParams {
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,10}");

  private QueryParams() {}

  /**
   * Returns {@code raw} as an integer in {@code [min, max]}, or {@code dflt} when absent.
   *
   * @throws IllegalArgumentException naming {@code name} when it is not such an integer
   */
  public static int intParam(Optional<String> raw, String name, int dflt, int min, int max) {
    if (raw.isEmpty()) {
      return dflt;
    }
    String v = raw.get().trim();
    long n;
    if (!INTEGER.matcher(v).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' must be an integer, got '" + raw.get() + "'");
    }
    n = Long.parseLong(v);
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' must be "
              + (max == Integer.MAX_VALUE ? ">= " + min : "between " + min + " and " + max)
              + ", got "
              + v);
    }
    return (int) n;
  }
}
