package io.carousel.engine.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The one rule for an event's time, shared by the {@code file:} reader and {@code POST /v1/events}:
 * a number below 1e11 in magnitude is epoch seconds, any other number epoch milliseconds; text is a
 * number by the same rule or ISO-8601 (with an offset or {@code Z}, without a zone = UTC, or a bare
 * date = midnight UTC). 1e11 s is the year 5138 and 1e11 ms is 1973-03-03: any real clock falls
 * clearly on one side, so seconds are never silently read as milliseconds of January 1970.
 */
public final class EventTimes {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  /** Numbers below this magnitude are epoch seconds, others epoch milliseconds. */
  public static final double SECONDS_BELOW = 1e11;

  /**
   * Latest (and, negated, earliest) accepted time, epoch ms: the year 10000. A time beyond it is
   * rejected, not a crash ({@code long overflow}) or a value silently clamped to {@link
   * Long#MAX_VALUE}.
   */
  public static final long MAX_ABS_TIME_MS = 253_402_300_800_000L;

  private EventTimes() {}

  /**
   * Returns the epoch ms of an integral epoch number (seconds when |value| &lt; 1e11, else ms).
   *
   * @throws IllegalArgumentException beyond the year 10000 either way
   */
  public static long fromEpochNumber(long value) {
    long ms;
    if (Math.abs((double) value) < SECONDS_BELOW) {
      ms = value * 1000L;
    } else {
      ms = value;
    }
    return checked(ms, Long.toString(value));
  }

  /**
   * Returns the epoch ms of a fractional epoch number (seconds when |value| &lt; 1e11, else ms),
   * rounded to the millisecond.
   *
   * @throws IllegalArgumentException when not finite or beyond the year 10000
   */
  public static long fromEpochNumber(double value) {
    double ms = Math.abs(value) < SECONDS_BELOW ? value * 1000 : value;
    if (!Double.isFinite(ms) || Math.abs(ms) > MAX_ABS_TIME_MS) {
      throw outOfRange(Double.toString(value));
    }
    return Math.round(ms);
  }

  /**
   * Parses epoch seconds, epoch millis or ISO-8601 into epoch ms UTC.
   *
   * @throws IllegalArgumentException if the value is none of them or lies beyond the year 10000
   */
  public static long parseMs(String value) {
    String v = value.trim();
    if (NUMBER.matcher(v).matches()) {
      double d = Double.parseDouble(v);
      return v.indexOf('.') < 0 && Math.abs(d) < 9e18
          ? fromEpochNumber(Long.parseLong(v))
          : fromEpochNumber(d);
    }
    long ms;
    try {
      ms = parseIso(v, value);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      if (e instanceof DateTimeParseException) {
        throw new IllegalArgumentException(
            "time '" + value + "' is not epoch seconds, epoch millis or ISO-8601");
      }
      throw outOfRange(value);
    }
    return checked(ms, value);
  }

  private static long parseIso(String v, String value) {
    String iso = v.length() > 10 && v.charAt(10) == ' ' ? v.replaceFirst(" ", "T") : v;
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException notOffset) {
      try {
        return Instant.parse(iso).toEpochMilli();
      } catch (DateTimeParseException notInstant) {
        try {
          return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException notLocal) {
          return LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
      }
    }
  }

  private static long checked(long ms, String value) {
    if (Math.abs(ms) > MAX_ABS_TIME_MS || ms == Long.MIN_VALUE) {
      throw outOfRange(value);
    }
    return ms;
  }

  private static IllegalArgumentException outOfRange(String value) {
    return new IllegalArgumentException("time '" + value + "' is out of range (years 0..9999)");
  }
}
