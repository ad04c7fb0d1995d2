package io.carousel.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The idempotency log of one user: 64-bit fingerprints of every event id recorded within the
 * retention ({@link EventIdRetention}), oldest first, grouped into arrival-time buckets. Immutable:
 * {@link #with} returns a new log. Part of the {@link UserState} snapshot.
 *
 * <p>Memory: 8 bytes per id in {@code fingerprints} plus 8 bytes per bucket (one bucket per {@code
 * bucket} of arrival time, so at most retention / bucket + 1 of them), instead of a String of ~80
 * bytes for a UUID.
 *
 * <p>Why arrival time, not event time: a client retries in wall-clock time, whatever the event's
 * own timestamp says (a backfill of last year's events is retried today). Arrival is stamped by the
 * user actor ({@code InteractionRecorded.recordedAtMs}), so replay rebuilds the same log on any
 * node.
 *
 * <p>Fingerprint: the first 8 bytes of SHA-256 of the id's UTF-8 bytes. A fresh id is wrongly taken
 * for a repeat only if its fingerprint equals one of the {@code n} in the log: probability ≤ {@code
 * n / 2^64} (5.4e-16 per event at the cap n = 10,000), and a cryptographic hash makes such a
 * collision infeasible to construct on purpose.
 *
 * @param fingerprints {@code long[n]} fingerprints, oldest first
 * @param buckets {@code long[b]} one per arrival bucket, oldest first, each {@code startMinute <<
 *     32 | count}: the bucket's first arrival in minutes since the epoch and how many of {@code
 *     fingerprints} (consecutive, in order) arrived in it; the counts sum to {@code n}
 */
public record EventIdLog(long[] fingerprints, long[] buckets) {
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK always provides SHA-256", e);
            }
          });

  private static final long MINUTE_MS = 60_000L;

  /** The log of a user without events. */
  public static final EventIdLog EMPTY = new EventIdLog(new long[0], new long[0]);

  /** Returns the 64-bit fingerprint of {@code eventId}. */
  public static long fingerprint(String eventId) {
    byte[] d = SHA_256.get().digest(eventId.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  /**
   * Returns a log holding {@code fingerprints} in one bucket starting at {@code arrivalMs} (how an
   * older snapshot's window, whose arrival times are unknown, is read).
   */
  static EventIdLog oneBucket(long[] fingerprints, long arrivalMs) {
    return fingerprints.length == 0
        ? EMPTY
        : new EventIdLog(
            fingerprints.clone(), new long[] {pack(arrivalMs / MINUTE_MS, fingerprints.length)});
  }

  /** Returns how many ids the log holds. */
  public int size() {
    return fingerprints.length;
  }

  /** Returns whether the log holds the fingerprint of {@code eventId}. */
  public boolean contains(String eventId) {
    long f = fingerprint(eventId);
    // Newest first: a retry usually follows its original closely.
    for (int i = fingerprints.length - 1; i >= 0; i--) {
      if (fingerprints[i] == f) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns this log with {@code eventId} appended as arrived at {@code arrivalMs}: buckets that
   * ended more than the retention before {@code arrivalMs} are dropped first, then the oldest ids
   * beyond the cap. An id is therefore kept at least the retention (unless the cap evicts it) and
   * at most retention + one bucket. An arrival earlier than the newest bucket's start (another
   * node's clock after a shard moved) joins the newest bucket.
   */
  EventIdLog with(String eventId, long arrivalMs, EventIdRetention retention) {
    long bucketMinutes = Math.max(1, retention.bucket().toMillis() / MINUTE_MS);
    long nowMinute = Math.floorDiv(arrivalMs, MINUTE_MS);
    long cutoffMinute = nowMinute - retention.retention().toMillis() / MINUTE_MS;
    int dropBuckets = 0;
    int dropIds = 0;
    while (dropBuckets < buckets.length
        && startOf(buckets[dropBuckets]) + bucketMinutes <= cutoffMinute) {
      dropIds += countOf(buckets[dropBuckets]);
      dropBuckets++;
    }
    long[] keptBuckets = Arrays.copyOfRange(buckets, dropBuckets, buckets.length);
    boolean joins =
        keptBuckets.length > 0
            && nowMinute < startOf(keptBuckets[keptBuckets.length - 1]) + bucketMinutes;
    long[] nextBuckets;
    if (joins) {
      nextBuckets = keptBuckets;
      long last = nextBuckets[nextBuckets.length - 1];
      nextBuckets[nextBuckets.length - 1] = pack(startOf(last), countOf(last) + 1);
    } else {
      nextBuckets = Arrays.copyOf(keptBuckets, keptBuckets.length + 1);
      nextBuckets[keptBuckets.length] = pack(nowMinute, 1);
    }
    int kept = fingerprints.length - dropIds;
    int over = Math.max(0, kept + 1 - retention.maxIdsPerUser());
    long[] nextIds = Arrays.copyOfRange(fingerprints, dropIds + over, fingerprints.length + 1);
    nextIds[nextIds.length - 1] = fingerprint(eventId);
    return new EventIdLog(nextIds, evict(nextBuckets, over));
  }

  /** Returns {@code buckets} with {@code n} ids taken off the oldest ones (copied if changed). */
  private static long[] evict(long[] buckets, int n) {
    int from = 0;
    while (n > 0) {
      int c = countOf(buckets[from]);
      if (c > n) {
        buckets[from] = pack(startOf(buckets[from]), c - n);
        n = 0;
      } else {
        n -= c;
        from++;
      }
    }
    return from == 0 ? buckets : Arrays.copyOfRange(buckets, from, buckets.length);
  }

  private static long pack(long startMinute, int count) {
    return (startMinute << 32) | (count & 0xFFFF_FFFFL);
  }

  private static long startOf(long bucket) {
    return bucket >> 32;
  }

  private static int countOf(long bucket) {
    return (int) bucket;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventIdLog l
        && Arrays.equals(fingerprints, l.fingerprints)
        && Arrays.equals(buckets, l.buckets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(fingerprints) * 31 + Arrays.hashCode(buckets);
  }

  @Override
  public String toString() {
    return "EventIdLog[" + fingerprints.length + " ids in " + buckets.length + " buckets]";
  }
}
