// @vitest-environment node
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS, signIdentity, verifyIdentity } from '../../../server/src/identity';

const secret = 'a-site-identity-secret-of-enough-length-42';
const now = Date.UTC(2026, 0, 1);
const seconds = Math.floor(now / 1000);

describe('identity tokens', () => {
  it('accept a token signed by a JWT library (jose), and the README’s few lines', async () => {
    const fromLibrary = await new SignJWT({ userId: 'u-1', name: ' Ann ' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(seconds + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await verifyIdentity(fromLibrary, { secret }, now)).toEqual({
      ok: true,
      user: { userId: 'u-1', name: 'Ann' },
    });
    const fromReadme = signIdentity({ userId: 'u-2', exp: seconds + 60 }, secret);
    expect(await verifyIdentity(fromReadme, { secret }, now)).toEqual({ ok: true, user: { userId: 'u-2' } });
  });

  it(`allow ${CLOCK_TOLERANCE_SECONDS} s of clock difference on exp and nbf, and no more`, async () => {
    const justExpired = signIdentity({ userId: 'u', exp: seconds - CLOCK_TOLERANCE_SECONDS + 1 }, secret);
    expect((await verifyIdentity(justExpired, { secret }, now)).ok).toBe(true);
    const expired = signIdentity({ userId: 'u', exp: seconds - CLOCK_TOLERANCE_SECONDS - 1 }, secret);
    expect(await verifyIdentity(expired, { secret }, now)).toEqual({ ok: false, reason: 'the token has expired' });
    const soon = signIdentity({ userId: 'u', exp: seconds + 600, nbf: seconds + CLOCK_TOLERANCE_SECONDS - 1 }, secret);
    expect((await verifyIdentity(soon, { secret }, now)).ok).toBe(true);
    const later = signIdentity({ userId: 'u', exp: seconds + 600, nbf: seconds + 120 }, secret);
    expect(await verifyIdentity(later, { secret }, now)).toEqual({
      ok: false,
      reason: 'the token is not valid yet (nbf)',
    });
  });

  it('check iss and aud where the site asks for them', async () => {
    const rules = { secret, issuer: 'https://shop.example', audience: 'confab' };
    const right = signIdentity({ userId: 'u', exp: seconds + 60, iss: 'https://shop.example', aud: 'confab' }, secret);
    expect((await verifyIdentity(right, rules, now)).ok).toBe(true);
    const wrongIssuer = signIdentity(
      { userId: 'u', exp: seconds + 60, iss: 'https://evil.example', aud: 'confab' },
      secret,
    );
    expect(await verifyIdentity(wrongIssuer, rules, now)).toEqual({
      ok: false,
      reason: 'the iss claim does not match',
    });
    const noAudience = signIdentity({ userId: 'u', exp: seconds + 60, iss: 'https://shop.example' }, secret);
    expect(await verifyIdentity(noAudience, rules, now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('aud'),
    });
  });

  it('refuse what is not an HS256 token of this secret with exp and userId', async () => {
    const reason = async (token: unknown) => {
      const result = await verifyIdentity(token, { secret }, now);
      return result.ok ? 'accepted' : result.reason;
    };
    expect(
      await reason(signIdentity({ userId: 'u', exp: seconds + 60 }, 'another-secret-of-enough-length-0123456789')),
    ).toBe('the signature does not match');
    expect(
      await reason(
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"userId":"u","exp":${seconds + 60}}`).toString('base64url')}.`,
      ),
    ).toBe('alg must be HS256');
    expect(await reason(signIdentity({ userId: '', exp: seconds + 60 }, secret))).toBe('userId is missing');
    expect(await reason(signIdentity({ userId: 'u' } as never, secret))).toBe('exp is missing');
    expect(await reason('not-a-token')).toBe('not a JWT (header.payload.signature)');
    expect(await reason(42)).toBe('not a token');
    expect((await verifyIdentity('x.y.z', { secret: undefined }, now)).ok).toBe(false);
  });
});
