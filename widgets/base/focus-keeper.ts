/**
 * Keeps keyboard focus inside a part of a component when a render takes
 * away the control that had it: the Answer button gone once the call is
 * answered, Hang up gone once the call ended. Without this, focus falls back
 * to the page's <body> and a keyboard user starts over from the top of the
 * page.
 *
 * Before each update it notes whether focus is inside `area()`; after it,
 * if focus was there and is no longer anywhere in the component, it moves
 * to `target()`: the area itself (with tabindex="-1"), so that a screen
 * reader says where the user is, and the next Tab reaches the controls that
 * are there now. Focus never lands on a control the user did not choose (a
 * Hang up button).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FocusKeeper implements ReactiveController {
  private hadFocus = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly area: () => HTMLElement | null | undefined,
    private readonly target: () => HTMLElement | null | undefined = area,
  ) {
    host.addController(this);
  }

  hostUpdate() {
    const active = this.host.shadowRoot?.activeElement;
    this.hadFocus = !!active && !!this.area()?.contains(active);
  }

  hostUpdated() {
    if (!this.hadFocus || this.host.shadowRoot?.activeElement) return;
    this.hadFocus = false;
    this.target()?.focus();
  }
}
