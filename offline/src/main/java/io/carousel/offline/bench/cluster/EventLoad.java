package io.carousel.offline.bench.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Bounded event load over loopback: at most {@code maxEvents} click events for {@code users} users,
 * {@code concurrency} in flight, round-robin over the live nodes (a load balancer whose target list
 * the scenario updates). Event {@code i} belongs to user {@code i % users} and has the unique id
 * {@code <run>-e<i>}. Each event's outcome is kept, so the acknowledged events of every user can be
 * checked against its {@code eventCount} afterwards.
 */
final class EventLoad implements AutoCloseable {
  static final int NOT_SENT = 0;
  static final int IN_FLIGHT = 1;
  static final int ACKED = 2;
  static final int FAILED = 3;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String run;
  private final int users;
  private final int concurrency;
  private final AtomicIntegerArray state;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<Long> failureTimes = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile List<String> targets;
  private volatile boolean stop;
  private volatile int sent;

  EventLoad(String run, int users, int concurrency, int maxEvents, List<String> targets) {
    this.run = run;
    this.users = users;
    this.concurrency = concurrency;
    this.state = new AtomicIntegerArray(maxEvents);
    this.permits = new Semaphore(concurrency);
    this.targets = List.copyOf(targets);
    this.thread = new Thread(this::drive, "load-" + run);
  }

  /** Starts sending in the background. */
  void start() {
    thread.start();
  }

  /** Replaces the nodes the load goes to (round-robin). */
  void targets(List<String> bases) {
    targets = List.copyOf(bases);
  }

  /** Returns user {@code u}'s id. */
  String user(int u) {
    return run + "-u" + u;
  }

  private void drive() {
    long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    try {
      for (int i = 0; i < state.length() && !stop; i++) {
        permits.acquire();
        List<String> now = targets;
        String base = now.get(i % now.size());
        String body =
            String.format(
                Locale.ROOT,
                "{\"eventId\":\"%s-e%d\",\"userId\":\"%s\",\"itemId\":\"item-%d\","
                    + "\"type\":\"click\",\"timestamp\":%d}",
                run,
                i,
                user(i % users),
                (i * 7) % SyntheticModel.ITEMS,
                t0 + i);
        int idx = i;
        state.set(idx, IN_FLIGHT);
        sent = i + 1;
        http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (r, failure) -> {
                  boolean ok = failure == null && r.statusCode() == 200;
                  state.set(idx, ok ? ACKED : FAILED);
                  if (!ok) {
                    failureTimes.add(System.nanoTime());
                  }
                  permits.release();
                });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops sending and waits (at most 30 s) until every request was answered or failed. */
  void stopAndDrain() throws InterruptedException {
    stop = true;
    thread.join(TimeUnit.SECONDS.toMillis(30));
    if (permits.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
      permits.release(concurrency);
    }
  }

  /** Returns the number of events sent so far. */
  int sent() {
    return sent;
  }

  /** Returns how many events ended in {@code outcome} ({@link #ACKED}, {@link #FAILED}, ...). */
  int count(int outcome) {
    int n = 0;
    for (int i = 0; i < sent; i++) {
      n += state.get(i) == outcome ? 1 : 0;
    }
    return n;
  }

  /** Returns how many of user {@code u}'s events ended in {@code outcome}. */
  int countForUser(int u, int outcome) {
    int n = 0;
    for (int i = u; i < sent; i += users) {
      n += state.get(i) == outcome ? 1 : 0;
    }
    return n;
  }

  /** Returns the number of failed requests that ended between the two {@code nanoTime}s. */
  long failuresBetween(long fromNanos, long toNanos) {
    return failureTimes.stream().filter(t -> t >= fromNanos && t <= toNanos).count();
  }

  @Override
  public void close() throws InterruptedException {
    stopAndDrain();
  }
}
