import { describe, expect, it } from 'vitest';
import { checkFormConfig, checkPhone, validateLead, type LeadFormConfig } from '../../../src/protocol';

const form = (fields: Partial<LeadFormConfig['fields']> = {}): LeadFormConfig => ({
  fields: { name: 'optional', phone: 'optional', email: 'optional', message: 'optional', ...fields },
});

describe('validateLead', () => {
  it('accepts a phone alone, trimming every field', () => {
    expect(validateLead({ phone: ' +7 (701) 123-45-67 ', message: ' hi ', consent: true }, form())).toEqual({
      ok: true,
      value: { phone: '+7 (701) 123-45-67', message: 'hi' },
    });
  });

  it('needs a phone or an e-mail even when both are optional', () => {
    expect(validateLead({ name: 'Ann', consent: true }, form())).toEqual({
      ok: false,
      errors: { phone: 'contact', email: 'contact' },
    });
    // With e-mail hidden, only the phone can be asked for.
    expect(validateLead({ consent: true }, form({ email: 'hidden' }))).toEqual({
      ok: false,
      errors: { phone: 'contact' },
    });
  });

  it('enforces required fields and ignores hidden ones', () => {
    const result = validateLead(
      { name: '', email: 'ann@example.com', message: 'dropped', consent: true },
      form({ name: 'required', message: 'hidden' }),
    );
    expect(result).toEqual({ ok: false, errors: { name: 'required' } });
    const ok = validateLead(
      { name: 'Ann', email: 'ann@example.com', message: 'dropped', consent: true },
      form({ message: 'hidden' }),
    );
    expect(ok).toEqual({ ok: true, value: { name: 'Ann', email: 'ann@example.com' } });
  });

  it.each([
    ['ann@example', 'email'],
    ['ann example.com', 'email'],
    ['<ann@example.com>', 'email'],
  ])('refuses the e-mail %s', (email, code) => {
    expect(validateLead({ email, consent: true }, form())).toMatchObject({ ok: false, errors: { email: code } });
  });

  it('checks phone characters and length', () => {
    expect(checkPhone('+7 (701) 123-45-67')).toBeNull();
    expect(checkPhone('12345')).toBe('phone');
    expect(checkPhone('1234567890123456')).toBe('phone');
    expect(checkPhone('call me maybe 1234567')).toBe('phone');
  });

  it('refuses over-long values and a missing consent', () => {
    const result = validateLead({ email: 'a@b.co', message: 'x'.repeat(2001) }, form());
    expect(result).toEqual({ ok: false, errors: { message: 'tooLong', consent: 'consent' } });
  });

  it('a form that hides both phone and e-mail is a configuration error', () => {
    expect(checkFormConfig(form({ phone: 'hidden', email: 'hidden' }))).toMatch(/cannot both be hidden/);
    expect(checkFormConfig(form({ phone: 'hidden' }))).toBeNull();
  });
});
