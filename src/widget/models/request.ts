/**
 * A request left through the form: the form's draft model, the thank-you, whether the
 * form is pinned (the visitor has seen it), and the lead outbox that delivers it. The
 * form's model comes with its own chunk, loaded when the form is first needed: most
 * visitors chat and never see it (its draft and settings wait in storage meanwhile).
 */
import { createModel, signal, type ReadonlySignal } from '@preact/signals';
import type { LeadFormConfig, LeadPayload } from '../../protocol';
import { currentPage } from '../context';
import { createDelivery } from '../delivery';
import type { Emitter } from '../events';
import { createOutbox, type OutboxItem } from '../outbox';
import type { Storage } from '../storage';
import type { Transport } from '../transport';
import { onDispose } from './dispose';
import type { LeadFormModel } from './lead-form';

export type LeadDraftPayload = Omit<LeadPayload, 'clientId'>;

export interface RequestPorts {
  storage: Storage;
  transport: Transport;
  emitter: Emitter;
  prefill: { name?: string; email?: string };
}

export const RequestModel = createModel(({ storage, transport, emitter, prefill }: RequestPorts) => {
  const form = signal<LeadFormModel | null>(null);
  let loading: Promise<LeadFormModel> | undefined;
  /** The form's model, loaded once; a failed load is tried again next time. */
  const loadForm = (): Promise<LeadFormModel> =>
    (loading ??= import('./lead-form').then(
      ({ LeadFormModel }) => (form.value = new LeadFormModel(storage, prefill)),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  /** What the form does once it is there (a failed chunk leaves the stored draft as it was). */
  const withForm = (act: (model: LeadFormModel) => void) => {
    const model = form.peek();
    if (model) act(model);
    else loadForm().then(act, () => {});
  };
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
      withForm((model) => model.restore(payload.fields, error.fields ?? {}));
      thanks.value = false;
      pinned.value = true;
    },
  });
  onDispose(delivery.dispose);
  /** A fresh form for next time; never loaded, only its stored draft goes. */
  const resetForm = () => {
    const model = form.peek();
    if (model) return model.reset();
    storage.remove('leadDraft');
    storage.remove('leadShownAt');
  };

  return {
    /** The form's model once loaded (`loadForm`); null before. */
    form: form as ReadonlySignal<LeadFormModel | null>,
    loadForm,
    withForm,
    /** The site's form settings from the server, kept for the form (loaded or not). */
    setFormConfig(next: LeadFormConfig) {
      storage.set('leadForm', next);
      form.peek()?.setConfig(next);
    },
    waiting: outbox.items as ReadonlySignal<OutboxItem<LeadDraftPayload>[]>,
    thanks: thanks as ReadonlySignal<boolean>,
    pinned: pinned as ReadonlySignal<boolean>,
    /** Validates the form and queues the request; true when it was accepted for sending. */
    submit(): boolean {
      const checked = form.peek()?.validate();
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
      resetForm();
    },
    flush() {
      void delivery.flush();
    },
    clear() {
      outbox.items.value = [];
      resetForm();
    },
  };
});

export type RequestModel = InstanceType<typeof RequestModel>;
