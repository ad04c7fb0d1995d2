package io.carousel.user;

import akka.actor.typed.ActorRef;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.carousel.engine.ScoringModel;
import io.carousel.policy.ContextFeatures;
import io.carousel.policy.EpsilonGreedySlatePolicy;
import io.carousel.policy.LinUcbSlatePolicy;
import io.carousel.policy.LinearThompsonSlatePolicy;
import io.carousel.policy.SlatePolicy;
import java.time.Clock;
import java.util.List;

/**
 * What every {@link UserProfile} on a node shares: the model view (its context builder in the
 * configured layout), the slate policies (one, or several for an A/B split by hashed user id), the
 * bandit form and node pool ({@link BanditModel}), the node's trend popularities ({@link
 * NodeTrends}), the scoring actor(s), settings, a clock (injected so tests are deterministic) and
 * metrics, the one immutable empty state every new user starts from, and per policy arm one slate
 * assembler (policies are stateless and thread-safe), one retention rule and the node's exploration
 * of new items ({@link NewItemExploration}), and what feeds the node-wide parts from users' durable
 * facts ({@link NodeLearning}) — shared, not copied per user, because every object per user actor
 * counts (docs/durability.md).
 */
public record ProfileDependencies(
    ModelHandle models,
    List<String> policies,
    BanditModel bandit,
    UserProfileSettings settings,
    Clock clock,
    CarouselMetrics metrics,
    UserState emptyState,
    RetentionCriteria retention,
    HistoryPurge purge,
    NewItemExploration exploration) {

  // What is indexed by one model's items lives in the current ServingModel (a hot swap replaces it,
  // ADR 0014); these read the current one. A slate pins one snapshot instead ({@link #pinned}).

  /** Returns the current model view. */
  public ModelView model() {
    return models.current().model();
  }

  /** Returns the current model's trend popularities. */
  public NodeTrends trends() {
    return models.current().trends();
  }

  /** Returns the current model's scoring pool. */
  public ActorRef<ScoringModel.Command> scoring() {
    return models.current().scoring();
  }

  /** Returns the availability over the current model's catalogue. */
  public ItemAvailability availability() {
    return models.current().availability();
  }

  /** Returns the current model's slate assemblers, one per policy arm. */
  public List<SlateAssembler> assemblers() {
    return models.current().assemblers();
  }

  /** Returns the current model's node-wide learning. */
  public NodeLearning learning() {
    return models.current().learning();
  }

  /** Returns these dependencies fixed on {@code serving}: what one slate reads from end to end. */
  public ProfileDependencies pinned(ServingModel serving) {
    return new ProfileDependencies(
        ModelHandle.fixed(serving),
        policies,
        bandit,
        settings,
        clock,
        metrics,
        emptyState,
        retention,
        purge,
        exploration);
  }

  /**
   * Builds the snapshot of {@code next} beside the current one, for {@link ModelHandle#swap}: its
   * view in the configured context layout, trends carried over by item id (an id {@code next} lacks
   * is dropped; with DP on, the open window is dropped), new slate assemblers and learning over the
   * same policies, bandit, pooled prior and exploration (those are not indexed by items).
   *
   * @param scoring the scoring pool of {@code next}'s scorer
   * @param availability {@code next}'s availability (e.g. {@link ItemAvailability#rebase})
   */
  public ServingModel rebase(
      ModelView next,
      ActorRef<ScoringModel.Command> scoring,
      ItemAvailability availability,
      io.carousel.engine.privacy.DpSettings dp) {
    ServingModel old = models.current();
    ModelView view = inLayout(next, settings);
    NodeTrends trends = new NodeTrends(view.catalog().size(), dp, settings.trendHalfLives());
    ModelView oldView = old.model();
    trends.restore(
        old.trends().save(i -> oldView.catalog().get(i).itemId()), view.catalog()::indexOf);
    List<SlateAssembler> assemblers = new java.util.ArrayList<>();
    for (SlateAssembler a : old.assemblers()) {
      assemblers.add(
          new SlateAssembler(
              view,
              a.policy(),
              availability,
              settings.maxPerCategory(),
              trends,
              bandit,
              exploration));
    }
    return new ServingModel(
        view,
        scoring,
        availability,
        trends,
        List.copyOf(assemblers),
        new NodeLearning(view, bandit, trends, exploration, metrics));
  }

  private static ModelView inLayout(ModelView model, UserProfileSettings settings) {
    ContextFeatures cf = model.features();
    return cf.layout() == settings.layout()
        ? model
        : new ModelView(
            model.modelVersion(),
            model.catalog(),
            model.itemRows(),
            model.popularity(),
            new ContextFeatures(cf.itemDim(), cf.seed(), settings.layout()),
            model.live());
  }

  /**
   * Returns these dependencies with {@code purge} run after a forgotten user's events and snapshots
   * were deleted (the default purges nothing).
   */
  public ProfileDependencies withPurge(HistoryPurge purge) {
    return new ProfileDependencies(
        models,
        policies,
        bandit,
        settings,
        clock,
        metrics,
        emptyState,
        retention,
        purge,
        exploration);
  }

  /**
   * Returns the policy of {@code userId}, one shared instance per arm: always the same policy for a
   * user (on every node, across restarts), and users spread evenly over the policies of an A/B
   * split.
   */
  public SlatePolicy policyFor(String userId) {
    return assemblerFor(userId).policy();
  }

  /** Returns the slate assembler of {@code userId}'s policy arm (shared by the arm's users). */
  SlateAssembler assemblerFor(String userId) {
    int h = userId.hashCode() * 0x9E3779B9;
    return assemblers().get(Math.floorMod(h ^ (h >>> 16), policies.size()));
  }

  /** Builds the dependencies with throw-away metrics and a static catalogue (tests and tools). */
  public static ProfileDependencies of(
      ModelView model,
      ActorRef<ScoringModel.Command> scoring,
      UserProfileSettings settings,
      Clock clock) {
    return of(
        model,
        scoring,
        settings,
        clock,
        CarouselMetrics.noop(),
        new ItemAvailability(model.catalog()));
  }

  /**
   * Builds the dependencies with the policies named in {@code settings}, the context layout of its
   * trend half-lives (the model view's context builder is rebuilt in that layout, same projection)
   * and the pooled or fixed prior it names.
   *
   * @throws IllegalArgumentException for an unknown policy name
   */
  public static ProfileDependencies of(
      ModelView model,
      ActorRef<ScoringModel.Command> scoring,
      UserProfileSettings settings,
      Clock clock,
      CarouselMetrics metrics,
      ItemAvailability availability) {
    return of(
        model,
        scoring,
        settings,
        clock,
        metrics,
        availability,
        io.carousel.engine.privacy.DpSettings.OFF);
  }

  /**
   * As {@link #of(ModelView, ActorRef, UserProfileSettings, Clock, CarouselMetrics,
   * ItemAvailability)} with the DP mode {@code dp}: when on, the trends learn only from noisy
   * window releases and the pooled prior is frozen at its prior (docs/security.md, "Differential
   * privacy (item 6)").
   */
  public static ProfileDependencies of(
      ModelView model,
      ActorRef<ScoringModel.Command> scoring,
      UserProfileSettings settings,
      Clock clock,
      CarouselMetrics metrics,
      ItemAvailability availability,
      io.carousel.engine.privacy.DpSettings dp) {
    for (String name : settings.policies()) {
      policy(name, settings); // fail fast on an unknown name
    }
    ModelView view = inLayout(model, settings);
    int dim = settings.layout().dim();
    // Prior mean (both forms): trust the model score (feature 1) before any feedback, so a new
    // user's slate follows the model and exploration moves away from it.
    BanditModel bandit =
        settings.pooledPrior()
            ? BanditModel.pooled(
                dim,
                settings.priorStrength(),
                settings.projectionStrength(),
                settings.userStrength(),
                settings.policies().stream().map(n -> policy(n, settings).id()).toList())
            : BanditModel.fixed(dim, settings.priorStrength());
    if (dp.enabled()) {
      bandit.pools().values().forEach(NodePool::freeze);
    }
    NodeTrends trends = new NodeTrends(model.catalog().size(), dp, settings.trendHalfLives());
    NewItemExploration exploration =
        new NewItemExploration(settings.explorationShare(), settings.explorationArms());
    List<SlateAssembler> assemblers = new java.util.ArrayList<>();
    for (String name : settings.policies()) {
      assemblers.add(
          new SlateAssembler(
              view,
              policy(name, settings),
              availability,
              settings.maxPerCategory(),
              trends,
              bandit,
              exploration));
    }
    ModelHandle models =
        new ModelHandle(
            new ServingModel(
                view,
                scoring,
                availability,
                trends,
                List.copyOf(assemblers),
                new NodeLearning(view, bandit, trends, exploration, metrics)),
            null);
    // The gauges read the current snapshot's trends, so they follow a hot swap.
    metrics.watchNode(bandit.pools(), () -> models.current().trends());
    return new ProfileDependencies(
        models,
        List.copyOf(settings.policies()),
        bandit,
        settings,
        clock,
        metrics,
        UserState.empty(bandit),
        RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2),
        HistoryPurge.NONE,
        exploration);
  }

  private static SlatePolicy policy(String name, UserProfileSettings settings) {
    return switch (name) {
      case "epsilon-greedy" -> new EpsilonGreedySlatePolicy(settings.epsilon());
      case "linear-ts" -> new LinearThompsonSlatePolicy(0.1, 200);
      case "linucb" -> new LinUcbSlatePolicy(settings.ucbAlpha());
      default ->
          throw new IllegalArgumentException(
              "carousel.user-profile.policies: unknown policy '"
                  + name
                  + "'; expected epsilon-greedy, linear-ts or linucb");
    };
  }
}
