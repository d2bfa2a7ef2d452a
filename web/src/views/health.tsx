import { useEffect, useState } from 'preact/hooks';
import type { WebHealth, WebUnit } from '../../../daemon/api/web-contract.js';
import { fetchHealth } from '../api.js';
import { formatAge, formatBytes, formatTime } from '../logic/format.js';
import { ErrorLine, errorText } from './common.js';

/** A unit's health, refreshed every 5 s while shown. Dispatch picks the unit. */
export function HealthView({ now, units }: { now: number; units: WebUnit[] | null }) {
  const [unit, setUnit] = useState<string | undefined>(undefined);
  const [health, setHealth] = useState<WebHealth | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (units && !unit && units[0]) setUnit(units[0].id);
  }, [units, unit]);

  useEffect(() => {
    if (units && !unit) return;
    const load = () =>
      fetchHealth(unit).then(
        (h) => {
          setHealth(h);
          setError(null);
        },
        (e: unknown) => setError(errorText(e)),
      );
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [unit, units]);

  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Health{health ? `: ${health.unit.name}` : ''}</h2>
      {units ? (
        <div class="field">
          <label for="health-unit">Unit</label>
          <select id="health-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <ErrorLine error={error} />
      {health ? <HealthTables health={health} now={now} /> : <p>Loading…</p>}
    </section>
  );
}

function HealthTables({ health: h, now }: { health: WebHealth; now: number }) {
  const gps = h.position.gps;
  return (
    <div class="health">
      <p class="muted">
        As of {formatTime(h.ts, now)}
        {h.uptime_s !== null ? `, up ${formatAge(h.uptime_s)}` : ''}
      </p>
      <table>
        <caption>Cameras</caption>
        <thead>
          <tr>
            <th scope="col">Camera</th>
            <th scope="col">Stream</th>
            <th scope="col">Frames/s analysed</th>
            <th scope="col">Dropped</th>
          </tr>
        </thead>
        <tbody>
          {h.cameras.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td class={c.connected === false ? 'bad' : ''}>
                {c.connected === null ? 'unknown' : c.connected ? 'connected' : 'NOT CONNECTED'}
              </td>
              <td>{c.fps === null ? '–' : c.fps.toFixed(1)}</td>
              <td>{c.dropped_frames}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="facts">
        <div>
          <dt>Position</dt>
          <dd class={gps && gps.fix === 'lost' ? 'bad' : ''}>
            {h.position.mode === 'fixed'
              ? 'fixed cameras (configured coordinates)'
              : gps
                ? `${gps.connected ? 'gpsd connected' : 'GPSD NOT CONNECTED'}, fix ${gps.fix === 'ok' ? gps.mode.toUpperCase() : 'LOST'}` +
                  (gps.satellites_used !== null ? `, ${gps.satellites_used} satellites` : '') +
                  (gps.last_fix_age_s !== null ? `, last fix ${formatAge(gps.last_fix_age_s)} ago` : '') +
                  (gps.clock_warning ? '; SYSTEM CLOCK DIFFERS FROM GPS' : '')
                : 'GPS state unknown'}
          </dd>
        </div>
        <div>
          <dt>Disk</dt>
          <dd>
            {formatBytes(h.disk.free_bytes)} free of {formatBytes(h.disk.total_bytes)} ({h.disk.path})
          </dd>
        </div>
        {h.storage ? (
          <div>
            <dt>Storage</dt>
            <dd class={h.storage.state === 'ok' ? '' : 'bad'}>
              {h.storage.state}
              {h.storage.crops_shed ? `, ${h.storage.crops_shed} crops shed` : ''}
              {h.storage.unstored_reads ? `, ${h.storage.unstored_reads} reads waiting in memory` : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Outbox</dt>
          <dd class={h.outbox_depth ? 'warn' : ''}>
            {h.outbox_depth === null ? 'unknown' : `${h.outbox_depth} messages waiting`}
          </dd>
        </div>
        <div>
          <dt>Broker</dt>
          <dd class={h.broker.connected ? '' : 'bad'}>
            {h.broker.connected ? 'connected' : 'NOT CONNECTED'}
            {h.broker.since ? ` since ${formatTime(h.broker.since, now)}` : ''}
          </dd>
        </div>
        <div>
          <dt>CPU</dt>
          <dd>
            {h.cpu.load_pct === null ? 'load unknown' : `${h.cpu.load_pct} % load`}
            {h.cpu.temp_c === null ? '' : `, ${h.cpu.temp_c} °C`}
          </dd>
        </div>
      </dl>
      <table>
        <caption>Hotlists</caption>
        <thead>
          <tr>
            <th scope="col">List</th>
            <th scope="col">Version</th>
            <th scope="col">Entries</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {h.lists.map((l) => (
            <tr key={l.source}>
              <td>{l.source}</td>
              <td>{l.version ?? 'none loaded'}</td>
              <td>{l.entries}</td>
              <td class={l.stale ? 'bad' : ''}>
                {l.age_s === null ? 'unknown' : formatAge(l.age_s)}
                {l.stale ? ' STALE' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
