/**
 * The request form: what the visitor typed (persisted, so nothing is lost), which
 * fields they have left (validation on blur), the errors to show, and the submission
 * through the lead outbox.
 */
import { computed, createModel, signal, type ReadonlySignal } from '@preact/signals';
import { DEFAULT_LEAD_FORM } from '../../protocol/lead-config';
import type { LeadErrors, LeadField, LeadFormConfig, LeadInput } from '../../protocol';
import type { Storage } from '../storage';
import { leadRules } from './lead-rules';

export interface LeadDraft extends LeadInput {
  name: string;
  phone: string;
  email: string;
  message: string;
  consent: boolean;
  /** The hidden honeypot; people never see it, bots fill it. */
  website: string;
}

const EMPTY: LeadDraft = { name: '', phone: '', email: '', message: '', consent: false, website: '' };

export const LeadFormModel = createModel((storage: Storage, prefill: { name?: string; email?: string }) => {
  const fresh = (): LeadDraft => ({ ...EMPTY, name: prefill.name ?? '', email: prefill.email ?? '' });
  const draft = signal<LeadDraft>({ ...fresh(), ...storage.get<Partial<LeadDraft>>('leadDraft') });
  const config = signal<LeadFormConfig>(storage.get<LeadFormConfig>('leadForm') ?? DEFAULT_LEAD_FORM);
  const errors = signal<LeadErrors>({});
  /**
   * When the visitor first saw the form: bots submit faster than people can. Kept with
   * the draft, so a visitor who reloads and sends a restored draft at once is not judged
   * too fast by a clock that restarted with the page.
   */
  const shownAt = signal<number | null>(storage.get<number>('leadShownAt') ?? null);

  const save = (next: LeadDraft) => {
    draft.value = next;
    storage.set('leadDraft', next);
  };

  return {
    draft: draft as ReadonlySignal<LeadDraft>,
    config: config as ReadonlySignal<LeadFormConfig>,
    errors: errors as ReadonlySignal<LeadErrors>,
    /** Whether the visitor has typed anything of their own. */
    touched: computed(() => {
      const d = draft.value;
      const base = fresh();
      return d.phone !== '' || d.message !== '' || d.name !== base.name || d.email !== base.email;
    }),

    setConfig(next: LeadFormConfig) {
      config.value = next;
      storage.set('leadForm', next);
    },
    shown() {
      if (shownAt.peek() !== null) return;
      shownAt.value = Date.now();
      storage.set('leadShownAt', shownAt.value);
    },
    set<K extends keyof LeadDraft>(field: K, value: LeadDraft[K]) {
      save({ ...draft.value, [field]: value });
      // A shown error follows the field as it is typed: gone once it is right, else the
      // problem it has now (a "too long" count never runs past the limit into nonsense).
      if (field in errors.value && field !== 'website') {
        const now =
          field === 'consent'
            ? value !== true && 'consent'
            : leadRules().checkField(field as LeadField, value, config.value.fields[field as LeadField]);
        const { [field as LeadField]: _, ...rest } = errors.value;
        errors.value = now ? { ...rest, [field]: now } : rest;
      }
    },
    /** Checks one field when the visitor leaves it. */
    blur(field: LeadField) {
      const error = leadRules().checkField(field, draft.value[field], config.value.fields[field]);
      const { [field]: _, ...rest } = errors.value;
      errors.value = error ? { ...rest, [field]: error } : rest;
    },
    /** Validates everything; returns what to send, or null with the errors shown. */
    validate(): { fields: LeadInput; honeypot: string; elapsedMs: number } | null {
      const { website, ...input } = draft.value;
      const result = leadRules().validateLead(input, config.value);
      if (!result.ok) {
        errors.value = result.errors;
        return null;
      }
      errors.value = {};
      return {
        fields: { ...result.value, consent: true },
        honeypot: website,
        elapsedMs: Date.now() - (shownAt.value ?? Date.now()),
      };
    },
    /** Shows the server's verdict on a request and puts its text back to edit. */
    restore(fields: LeadInput, serverErrors: LeadErrors) {
      save({ ...draft.value, ...fields, consent: fields.consent ?? false });
      errors.value = serverErrors;
    },
    reset() {
      save(fresh());
      errors.value = {};
      shownAt.value = null;
      storage.remove('leadShownAt');
    },
  };
});

export type LeadFormModel = InstanceType<typeof LeadFormModel>;
