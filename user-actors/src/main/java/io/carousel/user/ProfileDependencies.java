package io.carousel.user;

import akka.actor.typed.ActorRef;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinearPosterior;
import io.carousel.policy.LinearThompsonSlatePolicy;
import io.carousel.policy.SlatePolicy;
import java.time.Clock;

/**
 * What every {@link UserProfile} on a node shares: the model view, the slate policy, the scoring
 * actor(s), settings, the global prior and a clock (injected so tests are deterministic).
 */
public record ProfileDependencies(
    ModelView model,
    SlatePolicy policy,
    LinearPosterior prior,
    ActorRef<ScoringModel.Command> scoring,
    UserProfileSettings settings,
    Clock clock) {

  /**
   * Builds the dependencies with the policy named in {@code settings} and a weak prior.
   *
   * @throws IllegalArgumentException for an unknown policy name
   */
  public static ProfileDependencies of(
      ModelView model,
      ActorRef<ScoringModel.Command> scoring,
      UserProfileSettings settings,
      Clock clock) {
    SlatePolicy policy =
        switch (settings.policy()) {
          case "epsilon-greedy" -> new EpsilonGreedySlatePolicy(settings.epsilon());
          case "linear-ts" -> new LinearThompsonSlatePolicy(0.1, 200);
          default ->
              throw new IllegalArgumentException(
                  "carousel.user-profile.policy: unknown policy '"
                      + settings.policy()
                      + "'; expected epsilon-greedy or linear-ts");
        };
    // Prior mean: trust the model score (feature 1) before any feedback, so a new user's slate
    // follows the model and exploration moves away from it.
    double[] mean = new double[ContextFeatures.DIM];
    mean[1] = 1.0;
    LinearPosterior prior =
        LinearPosterior.globalPrior(mean, ContextFeatures.DIM, settings.priorStrength());
    return new ProfileDependencies(model, policy, prior, scoring, settings, clock);
  }
}
