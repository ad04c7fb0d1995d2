package io.carousel.offline.train;

import java.util.function.Supplier;
import org.tensorflow.proto.ConfigProto;

/**
 * Bounds the TensorFlow threads of the training sessions created by the calling thread (ADR 0012
 * §5b): the background retrain of {@code serve} trains beside the scoring sessions, and a session
 * made with {@code new Session(graph)} schedules its ops on TensorFlow's process-wide inter-op
 * pool, the one the scoring sessions use. Inside {@link #bounded} a training session gets a pool of
 * its own ({@code use_per_session_threads}) of {@code threads} inter-op threads and asks for as
 * many intra-op threads.
 *
 * <p>What it does not bound: TensorFlow's intra-op (Eigen) pool belongs to the CPU device, and by
 * default every device of the process shares one, sized by the first session made (in {@code serve}
 * the scorer's, before any retrain). A training session's intra-op request is honoured only when
 * each device owns its pool ({@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} in the environment of the
 * JVM); otherwise large ops of the training step (the logits matmul) still use the shared pool.
 * Training outside {@link #bounded} (the first model {@code serve} trains before it serves, {@code
 * carousel train} without {@code --threads}) keeps TensorFlow's defaults: a bounded first session
 * would size the shared intra-op pool for the whole process, scoring included.
 */
public final class TrainingThreads {
  private static final ThreadLocal<Integer> BOUND = new ThreadLocal<>();

  private TrainingThreads() {}

  /**
   * Runs {@code work} with its training sessions bounded to {@code threads} threads; {@code
   * threads} ≤ 0 leaves TensorFlow's defaults.
   */
  public static <T> T bounded(int threads, Supplier<T> work) {
    Integer before = BOUND.get();
    if (threads > 0) {
      BOUND.set(threads);
    } else {
      BOUND.remove();
    }
    try {
      return work.get();
    } finally {
      if (before == null) {
        BOUND.remove();
      } else {
        BOUND.set(before);
      }
    }
  }

  /** Returns the calling thread's bound, or 0 when none. */
  public static int current() {
    Integer n = BOUND.get();
    return n == null ? 0 : n;
  }

  /** Returns the session configuration for the calling thread's bound, or null for the defaults. */
  static ConfigProto sessionConfig() {
    Integer n = BOUND.get();
    if (n == null) {
      return null;
    }
    return ConfigProto.newBuilder()
        .setUsePerSessionThreads(true)
        .setInterOpParallelismThreads(n)
        .setIntraOpParallelismThreads(n)
        .build();
  }
}
