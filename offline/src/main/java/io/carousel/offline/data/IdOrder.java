package io.carousel.offline.data;

import java.util.Comparator;

/**
 * The order of user and item ids in every dataset: all-digit ids first, compared as numbers (so
 * MovieLens movie "1" comes before "10"), then every other id in {@link String} order. The order is
 * total and transitive, which a plain "numeric if both are numbers" rule is not.
 */
final class IdOrder {
  /** Natural id order, see the class comment. */
  static final Comparator<String> NATURAL = IdOrder::compare;

  private IdOrder() {}

  private static int compare(String a, String b) {
    boolean da = isDigits(a);
    boolean db = isDigits(b);
    if (da != db) {
      return da ? -1 : 1;
    }
    if (!da) {
      return a.compareTo(b);
    }
    String sa = stripLeadingZeros(a);
    String sb = stripLeadingZeros(b);
    if (sa.length() != sb.length()) {
      return Integer.compare(sa.length(), sb.length());
    }
    int c = sa.compareTo(sb);
    return c != 0 ? c : a.compareTo(b);
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }

  private static String stripLeadingZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }
}
