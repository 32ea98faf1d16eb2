/**
 * A queue's line kept in serving order (higher priority first, then longer
 * waiting, then id), so the engine never sorts its waiting work: insertion
 * and removal find their place by binary search, and a position is an index.
 */
export interface InLine {
  id: string;
  priority: number;
  enqueuedAt: number;
}

export function serveOrder(a: InLine, b: InLine): number {
  return b.priority - a.priority || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class ServeLine<T extends InLine> {
  private readonly list: T[] = [];

  get size() {
    return this.list.length;
  }

  /** Puts the item in its place; returns its index (0 = served next). */
  add(item: T): number {
    const at = this.lowerBound(item);
    this.list.splice(at, 0, item);
    return at;
  }

  /** Takes the item out; returns the index it had, or -1 if it was not in line. */
  remove(item: T): number {
    const at = this.indexOf(item);
    if (at >= 0) this.list.splice(at, 1);
    return at;
  }

  indexOf(item: T): number {
    const at = this.lowerBound(item);
    return this.list[at] === item ? at : -1;
  }

  /** A copy from `from` on, safe to walk while the line changes. */
  slice(from = 0): T[] {
    return this.list.slice(from);
  }

  private lowerBound(item: T): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (serveOrder(this.list[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
