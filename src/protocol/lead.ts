/**
 * The request ("lead") form: its field configuration and the one validator both the
 * widget (on blur and submit, in the visitor's language) and the server (again, before
 * storing) run, so their errors always have the same shape.
 */
import { LEAD_FIELDS, type FieldMode, type LeadField, type LeadFormConfig } from './lead-config.js';

import { isEmail } from './rules';

export * from './lead-config.js';

export const LEAD_LIMITS = { name: 100, phone: 32, email: 254, message: 2000 } as const;

/** Bots fill forms faster than people: a submission sooner than this after opening is spam. */
export const LEAD_MIN_FILL_MS = 3000;

export interface LeadInput {
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
  consent?: boolean;
}

/**
 * Why a field is wrong. `contact` is reported on both phone and e-mail: one of them is
 * needed to reach the visitor, whatever the per-field settings say.
 */
export type LeadFieldError = 'required' | 'email' | 'phone' | 'tooLong' | 'contact' | 'consent';
export type LeadErrors = Partial<Record<LeadField | 'consent', LeadFieldError>>;

export interface CleanLead {
  name?: string;
  phone?: string;
  email?: string;
  message?: string;
}

/** Digits, +, spaces, brackets and dashes; 7 to 15 digits (E.164 allows at most 15). */
const PHONE_CHARS = /^\+?[\d\s()-]+$/;

export function checkEmail(value: string): LeadFieldError | null {
  return isEmail(value) ? null : 'email';
}

export function checkPhone(value: string): LeadFieldError | null {
  const digits = value.replace(/\D/g, '').length;
  return PHONE_CHARS.test(value) && digits >= 7 && digits <= 15 ? null : 'phone';
}

/** Checks one field alone (for blur); `contact` needs the whole form, see validateLead. */
export function checkField(field: LeadField, raw: unknown, mode: FieldMode): LeadFieldError | null {
  if (mode === 'hidden') return null;
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (!value) return mode === 'required' ? 'required' : null;
  if (value.length > LEAD_LIMITS[field]) return 'tooLong';
  if (field === 'email') return checkEmail(value);
  if (field === 'phone') return checkPhone(value);
  return null;
}

export function validateLead(
  input: LeadInput,
  config: LeadFormConfig,
): { ok: true; value: CleanLead } | { ok: false; errors: LeadErrors } {
  const errors: LeadErrors = {};
  const value: CleanLead = {};
  for (const field of LEAD_FIELDS) {
    const mode = config.fields[field];
    const error = checkField(field, input[field], mode);
    if (error) errors[field] = error;
    const text = typeof input[field] === 'string' ? input[field].trim() : '';
    if (mode !== 'hidden' && text) value[field] = text;
  }
  if (!value.phone && !value.email && !errors.phone && !errors.email) {
    if (config.fields.phone !== 'hidden') errors.phone = 'contact';
    if (config.fields.email !== 'hidden') errors.email = 'contact';
  }
  if (input.consent !== true) errors.consent = 'consent';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/** A form where neither phone nor e-mail can be asked cannot reach anyone. */
export function checkFormConfig(config: LeadFormConfig): string | null {
  if (config.fields.phone === 'hidden' && config.fields.email === 'hidden') {
    return 'phone and email cannot both be hidden: a request needs a way to reach the visitor';
  }
  return null;
}
