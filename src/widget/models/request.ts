/**
 * A request left through the form: the form's draft model, the thank-you, whether the
 * form is pinned (the visitor has seen it), and the lead outbox that delivers it.
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import type { LeadPayload } from '../../protocol';
import { currentPage } from '../context';
import { createDelivery } from '../delivery';
import type { Emitter } from '../events';
import { createOutbox, type OutboxItem } from '../outbox';
import type { Storage } from '../storage';
import type { Transport } from '../transport';
import { onDispose } from './dispose';
import { LeadFormModel } from './lead-form';

export type LeadDraftPayload = Omit<LeadPayload, 'clientId'>;

export interface RequestPorts {
  storage: Storage;
  transport: Transport;
  emitter: Emitter;
  prefill: { name?: string; email?: string };
}

export const RequestModel = createModel(({ storage, transport, emitter, prefill }: RequestPorts) => {
  const form = new LeadFormModel(storage, prefill);
  const outbox = createOutbox<LeadDraftPayload>(storage, 'leadOutbox');
  const thanks = signal(false);
  /** The visitor has seen the form: it stays until they choose the chat. */
  const pinned = signal(false);
  const delivery = createDelivery<LeadDraftPayload, { leadId: string }>({
    outbox,
    isConnected: () => transport.connected,
    send: (clientId, payload) => transport.submitLead({ clientId, ...payload }),
    onSent: ({ leadId }, { fields: { consent: _, ...fields } }) => emitter.emit('lead', { leadId, ...fields }),
    onRefused(error, clientId, payload) {
      // The server saw a problem the form did not: back to the form, nothing lost.
      outbox.remove(clientId);
      form.restore(payload.fields, error.fields ?? {});
      thanks.value = false;
      pinned.value = true;
    },
  });
  onDispose(delivery.dispose);

  return {
    form,
    waiting: outbox.items as ReadonlySignal<OutboxItem<LeadDraftPayload>[]>,
    thanks: thanks as ReadonlySignal<boolean>,
    pinned: pinned as ReadonlySignal<boolean>,
    /** Validates the form and queues the request; true when it was accepted for sending. */
    submit(): boolean {
      const checked = form.validate();
      if (!checked) return false;
      delivery.enqueue({ ...checked, context: currentPage() });
      thanks.value = true;
      return true;
    },
    pin() {
      pinned.value = true;
    },
    unpin() {
      pinned.value = false;
    },
    /** After the thank-you: a fresh form for next time. */
    finish() {
      thanks.value = false;
      pinned.value = false;
      form.reset();
    },
    flush() {
      void delivery.flush();
    },
    connectionLost() {
      outbox.failAllPending();
    },
    clear() {
      outbox.items.value = [];
      form.reset();
    },
  };
});

export type RequestModel = InstanceType<typeof RequestModel>;
