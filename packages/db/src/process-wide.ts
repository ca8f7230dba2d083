// State that must be one per process, not one per copy of this module. The dashboard's bundler
// includes the server packages once per server layer (pages and server actions, route handlers),
// so a module-level WeakMap keyed on the shared database handle would exist twice, and a handle
// created in one layer would be unknown to the other. Keeping such state under a registered
// symbol on globalThis gives every copy the same one.
export function processWide<State extends object>(name: string, create: () => State): State {
  const store = globalThis as unknown as Record<symbol, State | undefined>;
  const key = Symbol.for(`cachefleet:${name}`);
  return (store[key] ??= create());
}
