package io.carousel.offline.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns scraped product fields (HTML fragments, entities, runs of whitespace) into plain text. */
final class ItemText {
  /** Longest item text kept, in characters; MiniLM reads at most ~256 word pieces anyway. */
  static final int MAX_CHARS = 1000;

  // A tag, possibly cut off before its '>' (Magazine titles stop mid-tag: <span class="...").
  private static final Pattern TAG = Pattern.compile("<[^>]*(>|$)");
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private ItemText() {}

  /** Returns true when a title is usable text, i.e. not one of the broken HTML Magazine titles. */
  static boolean isCleanTitle(String title) {
    return !title.isBlank() && !title.startsWith("<") && !title.contains("<span");
  }

  /**
   * Returns {@code raw} without tags or angle brackets, with entities decoded and whitespace
   * collapsed, trimmed and cut to {@link #MAX_CHARS} characters.
   */
  static String clean(String raw) {
    String s = TAG.matcher(raw).replaceAll(" ");
    s = decodeEntities(s);
    // Decoded "&lt;" must not reintroduce markup; the text encoder never needs brackets.
    s = s.replace('<', ' ').replace('>', ' ');
    s = SPACE.matcher(s).replaceAll(" ").trim();
    return cap(s);
  }

  /**
   * Returns {@code s} cut to at most {@link #MAX_CHARS} characters, at a word boundary if one is
   * near.
   */
  static String cap(String s) {
    if (s.length() <= MAX_CHARS) {
      return s;
    }
    int cut = s.lastIndexOf(' ', MAX_CHARS);
    return s.substring(0, cut > MAX_CHARS / 2 ? cut : MAX_CHARS).trim();
  }

  private static String decodeEntities(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(decode(m.group(1), m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String decode(String body, String whole) {
    if (body.startsWith("#")) {
      try {
        boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
        int cp = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
        return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : " ";
      } catch (NumberFormatException e) {
        return " "; // a number too long for int is not a character
      }
    }
    return switch (body) {
      case "amp" -> "&";
      case "lt" -> "<";
      case "gt" -> ">";
      case "quot" -> "\"";
      case "apos" -> "'";
      case "nbsp" -> " ";
      default -> whole;
    };
  }
}
