/**
 * The request form's validation rules (`protocol/lead.ts`) arrive with the form's chunk,
 * as its styles and strings do: only the form's view ever asks for a check, so visitors
 * who never see the form never download them.
 */
import type { checkField, validateLead } from '../../protocol/lead';

export interface LeadRules {
  checkField: typeof checkField;
  validateLead: typeof validateLead;
}

let rules: LeadRules | undefined;

/** Called by the form's chunk when it loads. */
export function addLeadRules(loaded: LeadRules): void {
  rules = loaded;
}

export function leadRules(): LeadRules {
  if (!rules) throw new Error('Confab: the request form checks a field before its chunk loaded');
  return rules;
}
