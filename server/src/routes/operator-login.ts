/**
 * POST /api/operator/login {"login", "password"} → a console session token.
 * Every attempt costs one scrypt on the thread pool, whether the login exists or not
 * (unknown logins are checked against a dummy hash), so timing tells nothing about
 * which logins exist. Failures are limited per client IP and per login: a botnet cannot
 * guess one operator's password from many addresses, and one address cannot sweep many logins.
 * With several nodes the counts are shared through Redis (ctx.rateLimiters).
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import type { HttpDeps, HttpRouter } from '../http/router';
import { readJson, sendJson, validated } from '../http/respond';
import { hashToken } from '../operator-namespace';
import { costOf, dummyHash, verifyPassword, type ScryptCost } from '../passwords';
import { publicProfile, type OperatorConfig, type SiteConfig } from '../sites';

const SESSION_MS = 12 * 60 * 60 * 1000;

const bodySchema = v.object({
  login: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  password: v.pipe(v.string(), v.maxLength(1024)),
});

export interface LoginLimits {
  /** Failed attempts allowed at once from one IP, then `ipPerSecond`. */
  ipBurst: number;
  ipPerSecond: number;
  /** Failed attempts allowed at once for one login, from anywhere. */
  accountBurst: number;
  accountPerSecond: number;
}

/** An IP gets 10 tries then one every 6 s; a login 20 then one every 30 s, so its owner is rarely locked out. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  ipBurst: 10,
  ipPerSecond: 1 / 6,
  accountBurst: 20,
  accountPerSecond: 1 / 30,
};

export function registerOperatorLogin(
  router: HttpRouter,
  { ctx, clientIp, metrics, logger }: HttpDeps,
  limits = DEFAULT_LOGIN_LIMITS,
) {
  const perIp = ctx.rateLimiters('login-ip', limits.ipBurst, limits.ipPerSecond);
  const perAccount = ctx.rateLimiters('login-account', limits.accountBurst, limits.accountPerSecond);
  /** The cost most operators' hashes have: what an unknown login is made to pay. */
  const usualCost = () => {
    const counts = new Map<string, { cost: ScryptCost; n: number }>();
    for (const site of ctx.sites.values()) {
      for (const op of site.operators) {
        const cost = costOf(op.passwordHash);
        if (!cost) continue;
        const key = `${cost.ln},${cost.r},${cost.p}`;
        counts.set(key, { cost, n: (counts.get(key)?.n ?? 0) + 1 });
      }
    }
    return [...counts.values()].sort((a, b) => b.n - a.n)[0]?.cost;
  };
  // Made now, so the first unknown login does not pay for it and stand out.
  void dummyHash(usualCost());

  const find = (login: string): { site: SiteConfig; operator: OperatorConfig } | undefined => {
    for (const site of ctx.sites.values()) {
      const operator = site.operators.find((op) => op.login === login);
      if (operator) return { site, operator };
    }
    return undefined;
  };

  router.post('/api/operator/login', async (req, res) => {
    const ip = clientIp(req);
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
    const input = validated(res, bodySchema, body, 'Send {"login": "...", "password": "..."}.');
    if (!input) return;
    const account = input.login.toLowerCase();
    const [ipAllowed, accountAllowed] = await Promise.all([perIp.allows(ip), perAccount.allows(account)]);
    if (!ipAllowed || !accountAllowed) {
      metrics.loginFailures.inc({ reason: 'limited' });
      return sendJson(res, 429, { error: 'Too many attempts. Wait a minute and try again.' }, { 'Retry-After': '60' });
    }
    const found = find(input.login);
    const ok = await verifyPassword(input.password, found?.operator.passwordHash ?? (await dummyHash(usualCost())));
    if (!found || !ok) {
      await Promise.all([perIp.take(ip), perAccount.take(account)]);
      metrics.loginFailures.inc({ reason: 'wrong' });
      logger.info({ ip }, 'operator login refused');
      return sendJson(res, 401, { error: 'Wrong login or password.' });
    }
    const token = randomBytes(32).toString('base64url');
    await ctx.store.createSession(hashToken(token), found.site.id, found.operator.id, Date.now() + SESSION_MS);
    logger.info({ site: found.site.id, operator: found.operator.id, ip }, 'operator logged in');
    sendJson(res, 200, { token, site: found.site.id, operator: publicProfile(found.operator, ctx.publicUrl) });
  });
}
