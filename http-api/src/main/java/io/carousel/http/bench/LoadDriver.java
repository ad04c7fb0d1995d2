package io.carousel.http.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Drives one kind of request against a server: a closed loop (c connections, each sends its next
 * request when the previous answer arrives) or an open loop (requests on a fixed schedule at an
 * offered rate, latency from the intended start: see {@link LatencyRecorder}).
 */
final class LoadDriver {
  /** Requests in flight at once in an open loop; past it the schedule slips, and is charged. */
  private static final int MAX_IN_FLIGHT = 256;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final ExecutorService pool;

  LoadDriver() {
    pool = Executors.newFixedThreadPool(4);
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(pool)
            .build();
  }

  /** The figures of one phase. */
  record Result(
      String kind,
      String loop,
      double offeredPerSecond,
      int connections,
      double seconds,
      double achievedPerSecond,
      long ok,
      long errors,
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      double serviceP99Ms,
      double serverCpuMsPerRequest) {
    /** Returns this result with the server's CPU time per answered request (NaN: unknown). */
    Result withServerCpu(double ms) {
      return new Result(
          kind,
          loop,
          offeredPerSecond,
          connections,
          seconds,
          achievedPerSecond,
          ok,
          errors,
          p50Ms,
          p99Ms,
          p999Ms,
          maxMs,
          serviceP99Ms,
          ms);
    }
  }

  /**
   * Runs a closed loop: {@code connections} threads, each sending {@code request.apply(n)} (n a
   * running count) for {@code seconds}.
   */
  Result closed(String kind, LongFunction<HttpRequest> request, int connections, double seconds)
      throws InterruptedException {
    LatencyRecorder rec = new LatencyRecorder();
    AtomicLong seq = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Thread t =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  HttpRequest req = request.apply(seq.getAndIncrement());
                  long sent = System.nanoTime();
                  boolean success;
                  try {
                    success = ok(http.send(req, HttpResponse.BodyHandlers.discarding()));
                  } catch (Exception e) {
                    success = false;
                  }
                  rec.record(sent, sent, System.nanoTime(), success);
                }
              },
              "closed-" + kind + "-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double took = (System.nanoTime() - t0) / 1e9;
    return result(kind, "closed", 0, connections, took, rec);
  }

  /**
   * Runs an open loop at {@code rate} requests/s for {@code seconds}; waits for the stragglers (up
   * to the request timeout) before reporting.
   */
  Result open(String kind, LongFunction<HttpRequest> request, double rate, double seconds)
      throws InterruptedException {
    LatencyRecorder rec = new LatencyRecorder();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    long t0 = System.nanoTime();
    long count = (long) (rate * seconds);
    for (long i = 0; i < count; i++) {
      long intended = LatencyRecorder.intendedStart(t0, i, rate);
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      // Past MAX_IN_FLIGHT the send is late; the lateness counts, as the intended start is kept.
      inFlight.acquire();
      long sent = System.nanoTime();
      http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (r, e) -> {
                rec.record(intended, sent, System.nanoTime(), e == null && ok(r));
                inFlight.release();
              });
    }
    // Every request ends within TIMEOUT (a timeout completes it as an error), so this returns.
    inFlight.acquire(MAX_IN_FLIGHT);
    inFlight.release(MAX_IN_FLIGHT);
    double took = (System.nanoTime() - t0) / 1e9;
    return result(kind, "open", rate, 0, took, rec);
  }

  private static boolean ok(HttpResponse<?> r) {
    return r.statusCode() / 100 == 2;
  }

  private static Result result(
      String kind, String loop, double rate, int connections, double took, LatencyRecorder rec) {
    return new Result(
        kind,
        loop,
        rate,
        connections,
        took,
        (rec.ok() + rec.errors()) / took,
        rec.ok(),
        rec.errors(),
        rec.correctedMs(50),
        rec.correctedMs(99),
        rec.correctedMs(99.9),
        rec.correctedMs(100),
        rec.serviceMs(99),
        Double.NaN);
  }

  /** A GET of {@code base + path}. */
  static HttpRequest get(URI base, String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
  }

  /** A POST of one JSON event to {@code /v1/events}. */
  static HttpRequest postEvent(URI base, String json) {
    return HttpRequest.newBuilder(base.resolve("/v1/events"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  /** Returns the client, for the warm-up and the freshness probe. */
  HttpClient http() {
    return http;
  }

  /** Stops the client's threads. */
  void close() {
    pool.shutdownNow();
  }
}
