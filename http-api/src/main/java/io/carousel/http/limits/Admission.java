package io.carousel.http.limits;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Whether an authorized request may run now: its principal's rate limit (429 with {@code
 * Retry-After}) and the heap's headroom (503 with {@code Retry-After} for the routes that start a
 * user actor or store something). Runs after authentication and before any route, so a refused
 * request changes nothing. Each refusal is counted in {@code carousel.http.limited} (tags {@code
 * limit} = rate or heap, {@code principal} = key, shopper or address). Thread-safe.
 */
public final class Admission {
  /** What a request is limited as. */
  public enum Kind {
    /** An API key (keys configured). */
    KEY("key"),
    /** A shopper token's user (keys configured). */
    SHOPPER("shopper"),
    /** The client's address, when every route is open (no keys). */
    ADDRESS("address");

    private final String tag;

    Kind(String tag) {
      this.tag = tag;
    }

    /** Returns the metric tag and the word used in problem details. */
    public String tag() {
      return tag;
    }
  }

  /**
   * Who a request is counted against.
   *
   * @param kind what {@code id} is
   * @param id a stable, non-secret id: a key's hash prefix, a user id, an address
   */
  public record Principal(Kind kind, String id) {}

  /**
   * The routes shed when the heap is nearly full: each can start a user actor (memory) or store
   * something. Deletes, listings, stats, health and metrics still answer, so an operator can see
   * and relieve the node.
   */
  static final Set<String> SHED_ON_HEAP =
      Set.of(
          "POST /v1/events",
          "GET /v1/users/{userId}/recommendations",
          "POST /v1/users/{userId}/recommendations",
          "GET /v1/users/{userId}/stream",
          "GET /v1/users/{userId}",
          "PUT /v1/items");

  /** Admits everything: for tools and tests that build routes by hand. */
  public static final Admission OFF =
      new Admission(LimitSettings.OFF, null, () -> 0.0, System::nanoTime);

  private final LimitSettings settings;
  private final RateLimiter limiter;
  private final DoubleSupplier heapAfterGc;
  private final Map<Kind, Counter> rateLimited = new EnumMap<>(Kind.class);
  private final Counter heapShed;

  /**
   * @param registry where the counters go; null = none
   * @param heapAfterGc the fraction of the heap in use after the last collection ({@link
   *     HeapGauge#afterLastGc})
   * @param nanoClock the rate limiter's monotonic clock
   */
  public Admission(
      LimitSettings settings,
      MeterRegistry registry,
      DoubleSupplier heapAfterGc,
      LongSupplier nanoClock) {
    this.settings = settings;
    this.limiter = new RateLimiter(settings.maxBuckets(), nanoClock);
    this.heapAfterGc = heapAfterGc;
    if (registry != null) {
      for (Kind k : Kind.values()) {
        rateLimited.put(
            k,
            Counter.builder("carousel.http.limited")
                .description("Requests refused by an abuse limit (rate: 429, heap: 503)")
                .tag("limit", "rate")
                .tag("principal", k.tag())
                .register(registry));
      }
      heapShed =
          Counter.builder("carousel.http.limited")
              .description("Requests refused by an abuse limit (rate: 429, heap: 503)")
              .tag("limit", "heap")
              .tag("principal", "any")
              .register(registry);
      Gauge.builder("carousel.http.rate.buckets", limiter, RateLimiter::buckets)
          .description("Rate-limit buckets held on this node")
          .register(registry);
      Gauge.builder("carousel.heap.after.gc", heapAfterGc, DoubleSupplier::getAsDouble)
          .description("Fraction of the largest heap in use after the last garbage collection")
          .register(registry);
    } else {
      heapShed = null;
    }
  }

  /** Returns the rate limiter (its sweep is scheduled by the node). */
  public RateLimiter limiter() {
    return limiter;
  }

  /** Returns whether any limit is on (a rate limit, or the heap check). */
  public boolean active() {
    return settings.rateLimitEnabled() || settings.maxHeapAfterGc() < 1;
  }

  /** Returns the settings. */
  public LimitSettings settings() {
    return settings;
  }

  /**
   * Returns the refusal of a request of {@code principal} to {@code route} ({@code "METHOD
   * /path/{param}"}, or null when it matches no route), or empty when it may run.
   */
  public Optional<HttpResponse> admit(Principal principal, String route) {
    if (settings.rateLimitEnabled()) {
      RateLimiter.Limit limit =
          switch (principal.kind()) {
            case KEY -> settings.perKey();
            case SHOPPER -> settings.perShopper();
            case ADDRESS -> settings.perAddress();
          };
      long waitNanos = limiter.acquire(principal.kind().tag() + ":" + principal.id(), limit);
      if (waitNanos > 0) {
        Counter c = rateLimited.get(principal.kind());
        if (c != null) {
          c.increment();
        }
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return Optional.of(
            Json.problem(
                    Problem.of(
                        429,
                        "Too Many Requests",
                        null,
                        "rate limit of this "
                            + describe(principal.kind())
                            + " exceeded ("
                            + format(limit.rate())
                            + " requests/s, bursts of "
                            + limit.burst()
                            + "); retry after "
                            + seconds
                            + " s"))
                .addHeader(RawHeader.create("Retry-After", Long.toString(seconds))));
      }
    }
    if (settings.maxHeapAfterGc() < 1
        && route != null
        && SHED_ON_HEAP.contains(route)
        && heapAfterGc.getAsDouble() > settings.maxHeapAfterGc()) {
      if (heapShed != null) {
        heapShed.increment();
      }
      long seconds = Math.max(1, settings.heapRetryAfter().toSeconds());
      return Optional.of(
          Json.problem(
                  Problem.of(
                      503,
                      "Service Unavailable",
                      null,
                      "this node's memory is nearly full; retry after "
                          + seconds
                          + " s (events are idempotent)"))
              .addHeader(RawHeader.create("Retry-After", Long.toString(seconds))));
    }
    return Optional.empty();
  }

  private static String describe(Kind kind) {
    return switch (kind) {
      case KEY -> "API key";
      case SHOPPER -> "shopper";
      case ADDRESS -> "client address";
    };
  }

  private static String format(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }
}
