/**
 * Who the visitor is: the visitor id kept in storage, consent where the site asks for
 * it, and a signed identity token (never stored). `forget` is the logout behind
 * `Confab('reset')`: a new visitor id and nothing of the old visitor left in storage.
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import { isId, newId } from '../../protocol';
import type { Storage } from '../storage';

/** Everything `Confab('reset')` forgets. */
const VISITOR_KEYS = [
  'visitor',
  'outbox',
  'leadOutbox',
  'draft',
  'leadDraft',
  'leadShownAt',
  'readUpTo',
  'firstTouch',
  'lastTouch',
];

function visitorIdFrom(storage: Storage): string {
  const stored = storage.get<string>('visitor');
  if (isId(stored)) return stored;
  const id = newId();
  storage.set('visitor', id);
  return id;
}

export const SessionModel = createModel(
  (storage: Storage, options: { consentRequired: boolean; userToken?: string }) => {
    const consented = signal(!options.consentRequired || storage.get<boolean>('consent') === true);
    if (consented.peek()) storage.persist();
    const visitorId = signal(visitorIdFrom(storage));
    let identityToken = options.userToken?.trim() || undefined;

    return {
      consented: consented as ReadonlySignal<boolean>,
      visitorId: visitorId as ReadonlySignal<string>,
      identityToken: () => identityToken,
      /** Consent given: from now on the widget may store. True when it was not given before. */
      giveConsent(): boolean {
        if (consented.peek()) return false;
        consented.value = true;
        storage.persist();
        storage.set('consent', true);
        return true;
      },
      /** Confab('identify', token): the visitor is now the signed-in user, on every device. */
      identify(token: string | undefined) {
        identityToken = token;
      },
      forget() {
        identityToken = undefined;
        VISITOR_KEYS.forEach((key) => storage.remove(key));
        visitorId.value = visitorIdFrom(storage);
      },
    };
  },
);

export type SessionModel = InstanceType<typeof SessionModel>;
