package io.carousel.user;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's serving model: one {@link ServingModel} snapshot behind an atomic reference, replaced
 * by a hot swap in one write (ADR 0014).
 *
 * <p>Each snapshot is reference counted: the handle itself holds one reference while the snapshot
 * is current, and every scoring request holds one from {@link #acquire} until its {@link
 * Lease#release}. A swap drops the handle's reference; when the last request holding the old
 * snapshot is done the count reaches 0 and its {@code onRetired} runs exactly once (on the thread
 * of that last release) — the place to close its TensorFlow session, which is then provably unused.
 * A retired count never rises again: {@link #acquire} only retains a count above 0, and retries
 * with the new current snapshot otherwise.
 */
public final class ModelHandle {

  /** One snapshot and its reference count. */
  private static final class Slot {
    final ServingModel serving;
    final AtomicInteger refs = new AtomicInteger(1);
    volatile Runnable onRetired;

    Slot(ServingModel serving, Runnable onRetired) {
      this.serving = serving;
      this.onRetired = onRetired;
    }

    boolean tryRetain() {
      for (int r = refs.get(); r > 0; r = refs.get()) {
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
      return false;
    }

    void release() {
      int left = refs.decrementAndGet();
      Runnable retired = onRetired;
      if (left == 0 && retired != null) {
        retired.run();
      } else if (left < 0) {
        throw new IllegalStateException("released more often than retained: " + serving.version());
      }
    }
  }

  /** A request's hold on one snapshot; {@link #release} is idempotent. */
  public static final class Lease implements Runnable {
    private final Slot slot;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(Slot slot) {
      this.slot = slot;
    }

    /** Returns the snapshot held. */
    public ServingModel serving() {
      return slot.serving;
    }

    /** Gives the hold back (once; later calls do nothing). */
    public void release() {
      if (released.compareAndSet(false, true)) {
        slot.release();
      }
    }

    /** As {@link #release}: a lease is the {@code done} callback of a scoring request. */
    @Override
    public void run() {
      release();
    }
  }

  private final AtomicReference<Slot> current;

  /** A challenger snapshot and the share of users it serves. */
  private record Challenge(Slot slot, double share) {}

  private final AtomicReference<Challenge> challenger = new AtomicReference<>();

  /**
   * Starts serving {@code first}.
   *
   * @param onRetired run once when {@code first} was swapped out and no request holds it, may be
   *     null
   */
  public ModelHandle(ServingModel first, Runnable onRetired) {
    this.current = new AtomicReference<>(new Slot(first, onRetired));
  }

  /** A handle that never swaps (tests, tools, and a request's pinned snapshot). */
  public static ModelHandle fixed(ServingModel serving) {
    return new ModelHandle(serving, null);
  }

  /**
   * Returns the current snapshot without holding it: for reads that use only its Java objects
   * (which stay valid for as long as they are referenced), never for a scoring request.
   */
  public ServingModel current() {
    return current.get().serving;
  }

  /** Holds the current snapshot until the lease is released. */
  public Lease acquire() {
    while (true) {
      Slot s = current.get();
      if (s.tryRetain()) {
        return new Lease(s);
      }
      // Retired between the read and the retain: a newer snapshot is current by now.
    }
  }

  /**
   * Holds the snapshot that serves {@code userId}: the challenger for the users in its share
   * ({@link #inShare}), else the current one.
   */
  public Lease acquire(String userId) {
    while (true) {
      Slot s = slotFor(userId);
      if (s.tryRetain()) {
        return new Lease(s);
      }
    }
  }

  /** Returns the snapshot that serves {@code userId}, without holding it. */
  public ServingModel currentFor(String userId) {
    return slotFor(userId).serving;
  }

  private Slot slotFor(String userId) {
    Challenge c = challenger.get();
    return c != null && inShare(userId, c.share()) ? c.slot() : current.get();
  }

  /**
   * Returns whether {@code userId} is in the challenger's {@code share} of users: a stable hash of
   * the id (the same on every node and across restarts, like the policy A/B split, but mixed
   * differently so the two splits are independent).
   */
  public static boolean inShare(String userId, double share) {
    int h = (userId.hashCode() ^ 0x2545F491) * 0x9E3779B9;
    h ^= h >>> 15;
    return Math.floorMod(h, 10_000) < share * 10_000;
  }

  /**
   * Serves {@code next} to {@code share} of the users from now on (champion/challenger, ADR 0014),
   * replacing a previous challenger (retired once unused).
   */
  public synchronized void challenge(ServingModel next, double share, Runnable onRetired) {
    Challenge old = challenger.getAndSet(new Challenge(new Slot(next, onRetired), share));
    if (old != null) {
      old.slot().release();
    }
  }

  /**
   * Stops serving the challenger (retired once unused); returns it, or null when there was none.
   */
  public synchronized ServingModel dropChallenger() {
    Challenge old = challenger.getAndSet(null);
    if (old == null) {
      return null;
    }
    old.slot().release();
    return old.slot().serving;
  }

  /** Returns the challenger snapshot, or null. */
  public ServingModel challenger() {
    Challenge c = challenger.get();
    return c == null ? null : c.slot().serving;
  }

  /**
   * Makes {@code next} current in one write and drops the handle's hold on the previous snapshot,
   * whose {@code onRetired} runs once no request holds it (at once when none does).
   *
   * @param onRetired run once when {@code next} is in turn swapped out and unused, may be null
   * @return the previous snapshot
   */
  public synchronized ServingModel swap(ServingModel next, Runnable onRetired) {
    Slot old = current.getAndSet(new Slot(next, onRetired));
    old.release();
    return old.serving;
  }

  /**
   * Sets what runs when the current snapshot is retired (for the snapshot a node starts with, whose
   * handle was built before its owner was known).
   */
  public void whenRetired(Runnable onRetired) {
    current.get().onRetired = onRetired;
  }

  /** Returns how many requests hold the current snapshot (its count less the handle's own). */
  public int inFlight() {
    return current.get().refs.get() - 1;
  }
}
