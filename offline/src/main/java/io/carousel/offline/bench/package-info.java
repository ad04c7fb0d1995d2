/** Load generators behind {@code carousel bench}: scoring throughput and latency, device check. */
package io.carousel.offline.bench;
