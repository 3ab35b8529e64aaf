/**
 * A minimal event emitter; handlers that throw do not stop the others.
 * @template {string} E
 */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<(detail: any) => void>>} */
    this.handlers = new Map();
  }

  /**
   * @param {E} type
   * @param {(detail: any) => void} handler
   * @returns {() => void} removes the handler
   */
  on(type, handler) {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => this.off(type, handler);
  }

  /** @param {E} type @param {(detail: any) => void} handler */
  off(type, handler) {
    this.handlers.get(type)?.delete(handler);
  }

  /** @param {E} type @param {any} [detail] */
  emit(type, detail) {
    for (const handler of [...(this.handlers.get(type) ?? [])]) {
      try {
        handler(detail);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
  }
}
