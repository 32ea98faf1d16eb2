/**
 * One side of a JSON-over-WebSocket conversation: parses and validates every
 * frame against a schema and answers broken input with an error frame instead
 * of crashing. A client that keeps sending garbage is disconnected.
 */
import type { ErrorExtra } from './frame-handlers.js';
import type { WebSocket } from 'ws';
import * as v from 'valibot';
import type { ErrorFrame } from '../../widgets/protocol/wire-common.js';
import type { ErrorCode } from '../../widgets/protocol/errors.js';
import { CloseCode } from '../../widgets/protocol/close-codes.js';

const MAX_CONSECUTIVE_ERRORS = 20;

export class JsonSocket<In, Out extends object> {
  private errors = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly schema: v.GenericSchema<unknown, In>,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(frame: Out | ErrorFrame) {
    if (this.open) this.ws.send(JSON.stringify(frame));
  }

  sendError(code: ErrorCode, message: string, extra: ErrorExtra = {}) {
    this.send({ type: 'error', code, message, ...extra });
  }

  close(code: number, reason: string) {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  /** Parses a raw frame; on failure answers with an error frame and returns undefined. */
  parse(data: unknown, isBinary: boolean): In | undefined {
    if (isBinary) return this.reject('invalid_frame', 'Send text frames holding JSON.');
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return this.reject('invalid_json', 'The frame is not valid JSON.');
    }
    const result = v.safeParse(this.schema, json);
    if (!result.success) {
      const issue = result.issues[0];
      const path = v.getDotPath(issue);
      const cid = json && typeof json === 'object' && 'cid' in json && typeof json.cid === 'string' ? json.cid.slice(0, 64) : undefined;
      return this.reject('invalid_message', `${path ? `${path}: ` : ''}${issue.message}`, cid);
    }
    this.errors = 0;
    return result.output;
  }

  private reject(code: ErrorCode, message: string, cid?: string): undefined {
    this.sendError(code, message, cid ? { cid } : {});
    if (++this.errors >= MAX_CONSECUTIVE_ERRORS) this.close(CloseCode.ProtocolError, 'Too many invalid frames');
    return undefined;
  }
}
