import { createHash, randomBytes } from 'node:crypto';

/** A random id with a readable prefix, e.g. `in_3xQ9…` for an interaction. 96 bits: unguessable and collision-free. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** A secret for a visitor's conversation: 256 bits; only its hash is stored. */
export const newSecretToken = () => randomBytes(32).toString('base64url');

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A client id for messages the server writes itself (system messages). */
export const newClientId = () => randomBytes(9).toString('base64url');
