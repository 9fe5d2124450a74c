/** Told how long one store operation took, and whether it succeeded. */
export type ObserveQuery = (store: string, operation: string, seconds: number, ok: boolean) => void

/**
 * The same store, each of its async methods timed: `observe` hears the store's name, the
 * method's name (a closed set, so a fine metric label) and the seconds it took. Properties and
 * getters pass through untouched, and methods run on the store itself, so its private fields
 * work.
 *
 * @example
 * const store = timedStore(new SqlSessionStore(db, options), 'sessions', metrics.observeQuery)
 */
export function timedStore<T extends object>(target: T, name: string, observe: ObserveQuery): T {
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object)
      if (typeof value !== 'function' || property === 'constructor') return value
      let timed = wrapped.get(property)
      if (!timed) {
        timed = timeMethod(value.bind(object), name, String(property), observe)
        wrapped.set(property, timed)
      }
      return timed
    },
  })
}

function timeMethod(
  method: (...args: unknown[]) => unknown,
  store: string,
  operation: string,
  observe: ObserveQuery,
) {
  return (...args: unknown[]) => {
    const started = performance.now()
    const result = method(...args)
    if (!(result instanceof Promise)) return result
    const seconds = () => (performance.now() - started) / 1000
    return result.then(
      (value) => {
        observe(store, operation, seconds(), true)
        return value
      },
      (error: unknown) => {
        observe(store, operation, seconds(), false)
        throw error
      },
    )
  }
}
