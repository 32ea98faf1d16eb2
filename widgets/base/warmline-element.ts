/**
 * The base of every Warmline element: typed `emit()` for DOM events that
 * bubble out of shadow roots, and a `define()` that tolerates the script
 * being included twice (STYLE.md, from Shoelace's shoelace-element.ts).
 */
import { LitElement } from 'lit';

type EventDetail<K extends keyof GlobalEventHandlersEventMap> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

export class WarmlineElement extends LitElement {
  /** What the first render waits for: the terms of the language it shows (see Localize). */
  private firstUpdateHolds: Promise<unknown>[] | undefined;

  /** Delays the first render until `until` settles; later renders never wait. */
  holdFirstUpdate(until: Promise<unknown>) {
    if (!this.hasUpdated) (this.firstUpdateHolds ??= []).push(until);
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    const holds = this.firstUpdateHolds;
    if (!holds) return super.scheduleUpdate();
    this.firstUpdateHolds = undefined;
    // Lit awaits what this returns before `updateComplete` resolves.
    return Promise.all(holds).then(() => super.scheduleUpdate());
  }

  /**
   * Dispatches a typed, bubbling, composed event. Intent events are created
   * cancelable so the host page can veto them; check `defaultPrevented`.
   */
  emit<K extends keyof GlobalEventHandlersEventMap>(
    name: K,
    options: { detail?: EventDetail<K>; cancelable?: boolean } = {},
  ): GlobalEventHandlersEventMap[K] {
    const event = new CustomEvent(name, {
      bubbles: true,
      composed: true,
      cancelable: options.cancelable ?? false,
      detail: options.detail ?? {},
    });
    this.dispatchEvent(event);
    return event as unknown as GlobalEventHandlersEventMap[K];
  }
}

/** Registers a custom element unless a (possibly other) copy of Warmline already did. */
export function define(tag: string, ctor: CustomElementConstructor) {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
