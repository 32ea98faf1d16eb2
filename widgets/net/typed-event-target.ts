/** An EventTarget whose event names and payloads are checked by the compiler. */
export class TypedEventTarget<Events extends Record<string, unknown>> {
  private readonly target = new EventTarget();

  on<K extends keyof Events & string>(type: K, listener: (detail: Events[K]) => void): () => void {
    const wrapped = (event: Event) => listener((event as CustomEvent<Events[K]>).detail);
    this.target.addEventListener(type, wrapped);
    return () => this.target.removeEventListener(type, wrapped);
  }

  protected fire<K extends keyof Events & string>(type: K, detail: Events[K]) {
    this.target.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
