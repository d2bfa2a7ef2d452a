import type { WebUnit } from '../../../daemon/api/web-contract.js';
import { formatAge, formatLatLon, formatTime } from '../logic/format.js';

/** Dispatch: every unit, online or not, and how old its lists are. */
export function UnitsView({ units, now }: { units: WebUnit[]; now: number }) {
  return (
    <section aria-labelledby="units-title">
      <h2 id="units-title">Units</h2>
      {units.length === 0 ? <p class="muted">No unit has reported yet.</p> : null}
      <table class="units">
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col">State</th>
            <th scope="col">Last heard</th>
            <th scope="col">Lists</th>
            <th scope="col">GPS</th>
            <th scope="col">Position</th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => {
            const oldest = Math.max(0, ...u.lists.map((l) => l.age_s ?? 0));
            return (
              <tr key={u.id} data-unit-id={u.id} class={`unit-${u.state}`}>
                <td>{u.name}</td>
                <td class={u.state === 'online' ? 'good' : 'bad'}>
                  {u.state.toUpperCase()}
                  {u.since ? <span class="muted"> since {formatTime(u.since, now)}</span> : null}
                </td>
                <td>{u.last_seen ? formatTime(u.last_seen, now) : 'never'}</td>
                <td class={u.lists_stale ? 'bad' : ''}>
                  {u.lists_stale ? 'STALE' : 'current'}
                  {u.lists.length ? `, oldest ${formatAge(oldest)}` : ', none loaded'}
                </td>
                <td class={u.gps_fix === 'lost' ? 'bad' : ''}>
                  {u.gps_fix === null ? 'fixed' : u.gps_fix === 'ok' ? 'fix' : 'FIX LOST'}
                </td>
                <td>{u.position ? formatLatLon(u.position.lat, u.position.lon) : 'unknown'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
