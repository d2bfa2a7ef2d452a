/**
 * Long CPU work on the daemon's main thread (parsing and indexing a million-row hotlist) must
 * give the event loop a turn now and then: alerts are published, reads recorded and MQTT kept
 * alive on that same thread, and a deputy expects a hit within a second. Such loops await
 * nextTurn() every so many units of work (sized to about 10 ms each).
 */

/** Resolves on the event loop's next turn, after pending I/O callbacks and timers have run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
