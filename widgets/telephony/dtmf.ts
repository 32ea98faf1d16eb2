/**
 * DTMF sent as SIP INFO with `application/dtmf-relay` bodies ("Signal=5",
 * "Duration=160"), the form SIP phones and PBXs understand, and which every
 * proxy on the path relays like any request inside a call.
 */
export const DTMF_DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
export type DtmfDigit = (typeof DTMF_DIGITS)[number];

export const DTMF_CONTENT_TYPE = 'application/dtmf-relay';

export const isDtmfDigit = (value: string): value is DtmfDigit => (DTMF_DIGITS as readonly string[]).includes(value);

export function dtmfBody(digit: DtmfDigit, durationMs = 160): string {
  return `Signal=${digit}\r\nDuration=${durationMs}\r\n`;
}

/** The digit in a dtmf-relay body, or undefined when the body holds none. */
export function parseDtmfBody(body: string): DtmfDigit | undefined {
  for (const line of body.split(/\r?\n/)) {
    const [key, value] = line.split('=').map((part) => part.trim());
    if (key?.toLowerCase() === 'signal' && value && isDtmfDigit(value)) return value;
  }
  return undefined;
}
