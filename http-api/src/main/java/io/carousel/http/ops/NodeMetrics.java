package io.carousel.http.ops;

import io.carousel.user.CarouselMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A node's meters, in the one registry {@code /metrics} scrapes (docs/operations.md lists them):
 * the JVM's, the user actors' ({@link CarouselMetrics}) and the scoring pool's.
 *
 * @param registry the registry every meter of the node is in
 * @param profiles the user actors' meters
 * @param batchSizes requests per TensorFlow session run ({@code carousel_scoring_batch_size})
 * @param shed score requests shed after waiting past {@code carousel.scoring.max-queue-delay}
 */
public record NodeMetrics(
    PrometheusMeterRegistry registry,
    CarouselMetrics profiles,
    DistributionSummary batchSizes,
    Counter shed) {

  /** Returns a fresh registry with every meter of a node registered. */
  public static NodeMetrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DistributionSummary batchSizes =
        DistributionSummary.builder("carousel.scoring.batch.size")
            .description("Requests per TensorFlow session run")
            .publishPercentileHistogram()
            .register(registry);
    Counter shed =
        Counter.builder("carousel.scoring.shed")
            .description(
                "Score requests shed (503 + Retry-After) after waiting past"
                    + " carousel.scoring.max-queue-delay")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return new NodeMetrics(registry, new CarouselMetrics(registry), batchSizes, shed);
  }
}
