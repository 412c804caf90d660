/** The one phone-number rule: E.164 digits (country code first, no leading 0), 7 to 15 of them, `+` optional. */
const PHONE = /^\+?([1-9][0-9]{6,14})$/;

/** Digits only, from `+62…` or `62…`; null when it is not a plausible E.164 number. */
export function normalisePhone(input: string): string | null {
  return PHONE.exec(input.trim())?.[1] ?? null;
}
