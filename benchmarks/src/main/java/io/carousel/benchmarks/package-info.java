/**
 * JMH micro-benchmarks of the policy hot path and of the wide-and-deep scoring; run with {@code
 * java -jar benchmarks.jar}.
 */
package io.carousel.benchmarks;
