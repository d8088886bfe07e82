/**
 * The request form's configuration, apart from its validator (`lead.ts`): the widget
 * needs the defaults from the start, the validator only once the form is loaded.
 */
export type FieldMode = 'required' | 'optional' | 'hidden';
export type LeadField = 'name' | 'phone' | 'email' | 'message';
export const LEAD_FIELDS: readonly LeadField[] = ['name', 'phone', 'email', 'message'];

export interface LeadFormConfig {
  fields: Record<LeadField, FieldMode>;
  /** Shown beside the consent checkbox; http(s) only. */
  privacyPolicyUrl?: string;
}

export const DEFAULT_LEAD_FORM: LeadFormConfig = {
  fields: { name: 'optional', phone: 'optional', email: 'optional', message: 'optional' },
};
