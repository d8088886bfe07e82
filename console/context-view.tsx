/**
 * Where a visitor is and what brought them (seeds 001, 003, 004): page, referrer,
 * campaign of the first and the last touch, device, region and local time. Visitor
 * strings are shown as text only.
 */
import type { ContextSnapshot, Environment, OnlineVisitor, Touch } from '../src/protocol';
import { pagesText } from './models/visitor-label';

export function source(touch: Touch | null | undefined): string {
  if (!touch) return 'direct';
  const utm = touch.utm;
  if (utm?.utm_source) return [utm.utm_source, utm.utm_medium, utm.utm_campaign].filter(Boolean).join(' / ');
  if (utm?.gclid) return 'Google Ads';
  if (utm?.yclid) return 'Yandex Direct';
  if (utm?.fbclid) return 'Facebook';
  if (touch.referrer) return new URL(touch.referrer).host;
  return 'direct';
}

/** The visitor's wall-clock time from their UTC offset (seed 004). */
export function localTime(env: Environment | null | undefined, now = Date.now()): string | undefined {
  if (env?.utcOffset === undefined) return undefined;
  const local = new Date(now + env.utcOffset * 60_000);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

const minutes = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))} min`;

function Fact({ label, value }: { label: string; value?: string | null }) {
  return value ? (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  ) : null;
}

export function ContextFacts({ context, visitor }: { context: ContextSnapshot | null; visitor?: OnlineVisitor }) {
  const now = visitor ?? context;
  if (!now) return null;
  return (
    <dl class="facts context">
      <Fact label="Page now" value={visitor?.page?.url ?? undefined} />
      <Fact label="Page at start" value={context?.page?.url} />
      <Fact label="Referrer" value={context?.page?.referrer ?? now.firstTouch?.referrer} />
      <Fact
        label="First touch"
        value={now.firstTouch ? `${source(now.firstTouch)} — ${now.firstTouch.landing}` : 'direct'}
      />
      <Fact
        label="Last touch"
        value={now.lastTouch ? `${source(now.lastTouch)} — ${now.lastTouch.landing}` : undefined}
      />
      <Fact label="Region" value={now.region} />
      <Fact label="Local time" value={localTime(now.env)} />
      <Fact
        label="Device"
        value={
          now.env
            ? [
                now.env.device,
                now.env.language,
                now.env.viewport && `${now.env.viewport.width}×${now.env.viewport.height}`,
              ]
                .filter(Boolean)
                .join(', ')
            : undefined
        }
      />
      <Fact label="IP" value={now.ip} />
      {visitor && (
        <Fact
          label="This visit"
          value={`${minutes(Date.now() - visitor.visitStartedAt)}, ${pagesText(visitor.pagesThisVisit)}, ${visitor.returning ? 'returning' : 'new'}`}
        />
      )}
    </dl>
  );
}
