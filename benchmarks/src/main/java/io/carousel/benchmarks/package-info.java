/** JMH micro-benchmarks of the policy hot path; run with {@code java -jar benchmarks.jar}. */
package io.carousel.benchmarks;
