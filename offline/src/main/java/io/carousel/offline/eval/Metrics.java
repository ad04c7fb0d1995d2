package io.carousel.offline.eval;

/**
 * Leave-one-out ranking quality of one model on one stage (means over users; one relevant item per
 * user, so NDCG@10 = 1 / log2(rank + 2) and MRR@20 = 1 / (rank + 1) with 0-based rank; He et al.,
 * "Neural Collaborative Filtering", WWW 2017, §4.1).
 *
 * @param hrAt10 share of users whose target ranks in the top 10
 * @param ndcgAt10 mean NDCG@10
 * @param mrrAt20 mean reciprocal rank, 0 beyond rank 20
 * @param coverageAt10 share of the catalogue that appears in at least one user's top 10
 * @param users evaluated users
 * @param coldHrAt10 HR@10 over the users whose target is a cold item (0 when there are none)
 * @param coldNdcgAt10 NDCG@10 over the same users
 * @param coldUsers users whose target is a cold item
 * @param ndcgByUser {@code double[users]} each evaluated user's NDCG@10, in {@code
 *     LeaveOneOut.evaluatedUsers()} order (for paired comparisons between models)
 */
public record Metrics(
    double hrAt10,
    double ndcgAt10,
    double mrrAt20,
    double coverageAt10,
    int users,
    double coldHrAt10,
    double coldNdcgAt10,
    int coldUsers,
    double[] ndcgByUser) {}
