import { ChatStream } from '../../client/chat-stream.js';
import type { ChatMiddleware } from '../../client/middleware/chat-middleware.js';
import type { RequestContext } from '../../client/request-context.js';
import type { BudgetConfig } from '../../config/cost-config-schema.js';
import { BudgetExceededError } from '../../errors/budget-exceeded-error.js';
import type { Attempt } from '../../types/attempt.js';
import type { ChatRequest } from '../../types/request.js';
import type { CostTracker } from '../cost-tracker.js';
import { budgetPeriod, periodTtlMs, type BudgetPeriod } from './budget-period.js';
import type { BudgetStore } from './budget-store.js';

/** Pico-dollars (1e-12) to budget nano-dollars (1e-9), rounded up: a budget never under-counts. */
const toNano = (pico: number): number => Math.ceil(pico / 1000);
const nanoToUsd = (nano: number): number => nano / 1e9;

interface Hold {
  budget: BudgetConfig;
  key: string;
  period: BudgetPeriod;
  now: number;
  reservedNano: number;
  local: boolean;
}

/**
 * Budgets, enforced before any upstream call. Each applicable budget (global, the request's gateway
 * key, its route, or a provider its route may reach) reserves what the request may cost — its
 * prompt at the dearest price on its route, plus `maxTokens` of output when set — in one atomic
 * step; a budget with no room refuses the request with BudgetExceededError, and nothing is sent.
 * When the request ends the hold is swapped for what it really cost (failed calls a provider
 * billed included). Crossing `warnAt` emits a `budget` warning event and a log line once per period.
 *
 * Overspend bound: a request is admitted only while spent + held + its hold fits the limit, so the
 * total can pass the limit only by what in-flight requests cost beyond their holds: their output
 * beyond `maxTokens` / `holdOutputTokens` (all of it when neither is set), and any error of the
 * prompt estimate.
 */
export class BudgetGuard {
  private readonly holds = new Map<string, { ctx: RequestContext; holds: Hold[] }>();

  constructor(
    private readonly budgets: readonly BudgetConfig[],
    private readonly store: BudgetStore,
    private readonly tracker: CostTracker,
  ) {}

  /** Requests holding part of a budget until they settle. */
  get pending(): number {
    return this.holds.size;
  }

  middleware(): ChatMiddleware {
    return {
      name: 'budgets',
      wrapChat: async ({ next, request, ctx }) => {
        await this.admit(request, ctx);
        return next(request);
      },
      wrapStream: ({ next, request, ctx }) =>
        ChatStream.defer(async () => {
          await this.admit(request, ctx);
          return next(request);
        }),
    };
  }

  /** Swaps a finished request's holds for what it cost; gives warnings. Called at the request's end. */
  async settle(requestId: string, attempts: readonly Attempt[], cached: boolean): Promise<void> {
    const held = this.holds.get(requestId);
    if (!held) return;
    this.holds.delete(requestId);
    for (const hold of held.holds) {
      const scope = hold.budget.scope;
      const relevant = cached
        ? []
        : typeof scope === 'object' && 'provider' in scope
          ? attempts.filter((a) => a.provider === scope.provider)
          : attempts;
      const actualNano = toNano(
        relevant.reduce((sum, a) => sum + (this.tracker.picoOf(a) ?? 0), 0),
      );
      const ttl = periodTtlMs(hold.period, hold.now);
      const spent = await this.store.settle(
        hold.key,
        hold.reservedNano,
        actualNano,
        ttl,
        hold.local,
      );
      await this.maybeWarn(hold, spent, held.ctx);
    }
  }

  private applicable(ctx: RequestContext): BudgetConfig[] {
    let providers: string[] | undefined;
    return this.budgets.filter((budget) => {
      const scope = budget.scope;
      if (scope === 'global') return true;
      if ('key' in scope) return ctx.gatewayKeyId === scope.key;
      if ('route' in scope) return ctx.route === scope.route;
      providers ??= this.tracker.providersOf(ctx.route);
      return providers.includes(scope.provider);
    });
  }

  private async admit(request: ChatRequest, ctx: RequestContext): Promise<void> {
    const budgets = this.applicable(ctx);
    if (budgets.length === 0) return;
    const now = ctx.startedAt;
    const holdOf = new Map<number, number>();
    const holds: Hold[] = [];
    this.holds.set(ctx.requestId, { ctx, holds });
    for (const budget of budgets) {
      const period = budgetPeriod(budget.period, now);
      const key = `${budget.name}:${period.id}`;
      const limitNano = Math.round(budget.limitUsd * 1e9);
      let reservedNano = holdOf.get(budget.holdOutputTokens);
      if (reservedNano === undefined) {
        reservedNano = toNano(
          this.tracker.reservationPico(request, ctx.route, budget.holdOutputTokens),
        );
        holdOf.set(budget.holdOutputTokens, reservedNano);
      }
      const result = await this.store.reserve(
        key,
        limitNano,
        reservedNano,
        periodTtlMs(period, now),
      );
      if (!result.ok) {
        // Give back what the other budgets held for this request; no upstream call is made.
        this.holds.delete(ctx.requestId);
        for (const hold of holds) {
          await this.store.settle(
            hold.key,
            hold.reservedNano,
            0,
            periodTtlMs(hold.period, now),
            hold.local,
          );
        }
        const spentUsd = nanoToUsd(result.spentNano);
        ctx.emit('budget', {
          budget: budget.name,
          kind: 'exceeded',
          spentUsd,
          limitUsd: budget.limitUsd,
          requestId: ctx.requestId,
          at: now,
        });
        throw new BudgetExceededError({
          budget: budget.name,
          limitUsd: budget.limitUsd,
          spentUsd,
          ...(period.resetAt === undefined ? {} : { resetAt: period.resetAt }),
        });
      }
      holds.push({ budget, key, period, now, reservedNano, local: result.local === true });
    }
  }

  private async maybeWarn(hold: Hold, spentNano: number, ctx: RequestContext): Promise<void> {
    const { budget } = hold;
    if (spentNano < Math.round(budget.warnAt * Math.round(budget.limitUsd * 1e9))) return;
    if (!(await this.store.firstWarning(hold.key, periodTtlMs(hold.period, hold.now)))) return;
    const spentUsd = nanoToUsd(spentNano);
    ctx.emit('budget', {
      budget: budget.name,
      kind: 'warning',
      spentUsd,
      limitUsd: budget.limitUsd,
      requestId: ctx.requestId,
      at: hold.now,
    });
    ctx.logger.warn(
      { budget: budget.name, spentUsd, limitUsd: budget.limitUsd, period: hold.period.id },
      `budget "${budget.name}" has used ${Math.round((spentUsd / budget.limitUsd) * 100)}% of $${budget.limitUsd} this period`,
    );
  }
}
