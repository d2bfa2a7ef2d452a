import { useEffect, useState } from 'preact/hooks';
import type { CamerasResponse, ReadsResponse, WebRead } from '../../../daemon/api/web-contract.js';
import { fetchCameras, fetchRecentReads, searchReads } from '../api.js';
import {
  describeLocated,
  formatLatLon,
  formatPercent,
  formatTime,
  fromLocalInput,
  toLocalInput,
} from '../logic/format.js';
import { ErrorLine, errorText, Field, PurposeFields, type PurposeValue } from './common.js';

/** Reads as a list with their crops; each is access the server has logged. */
export function ReadList({ reads, now, truncated }: { reads: WebRead[]; now: number; truncated: boolean }) {
  if (reads.length === 0) return <p class="muted">No reads.</p>;
  return (
    <>
      <ul class="reads">
        {reads.map((r) => (
          <li key={r.id} class="read">
            <div class="crop small">
              {r.crop_url ? (
                <img src={r.crop_url} alt={`plate crop of the read ${r.plate}`} />
              ) : (
                <span class="muted">no crop</span>
              )}
            </div>
            <span class="plate">{r.plate}</span>
            <span>{r.state ?? 'state not read'}</span>
            <span>{formatPercent(r.confidence)}</span>
            <span>{formatTime(r.ts, now)}</span>
            <span>{r.camera.name}</span>
            <span>
              {r.position ? formatLatLon(r.position.lat, r.position.lon) : r.location_text}
              <span class="muted"> ({describeLocated(r.position, r.position_status)})</span>
              {r.distance_m !== undefined ? <span> {Math.round(r.distance_m)} m away</span> : null}
            </span>
            {r.hit_ids.length ? <strong class="warn">HIT</strong> : null}
          </li>
        ))}
      </ul>
      {truncated ? <p class="warn">More reads match: narrow the search.</p> : null}
    </>
  );
}

/** The newest reads for the patrol, refreshed every 15 s while shown. */
export function RecentReadsView({ now }: { now: number }) {
  const [data, setData] = useState<ReadsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    fetchRecentReads({ limit: 50 }).then(
      (r) => {
        setData(r);
        setError(null);
      },
      (e: unknown) => setError(errorText(e)),
    );

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 15_000);
    return () => clearInterval(t);
  }, []);

  return (
    <section aria-labelledby="reads-title">
      <h2 id="reads-title">Recent reads</h2>
      <button type="button" onClick={() => void load()}>
        Refresh
      </button>
      <ErrorLine error={error} />
      {data ? <ReadList reads={data.reads} now={now} truncated={data.truncated} /> : <p>Loading…</p>}
    </section>
  );
}

/** Governed search (policy 424.3(c),(d)): plate or partial plate, window, cameras, canvass; purpose and case required. */
export function SearchView({ now }: { now: number }) {
  const [purpose, setPurpose] = useState<PurposeValue>({ category: 'criminal_investigation', caseNumber: '' });
  const [plate, setPlate] = useState('');
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 24 * 3600_000));
  const [to, setTo] = useState(() => toLocalInput(Date.now()));
  const [cameras, setCameras] = useState<CamerasResponse['cameras']>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [canvass, setCanvass] = useState({ lat: '', lon: '', radius: '500' });
  const [result, setResult] = useState<ReadsResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchCameras().then(
      (c) => setCameras(c.cameras),
      () => setCameras([]),
    );
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const fromIso = fromLocalInput(from);
    const toIso = fromLocalInput(to);
    if (!fromIso || !toIso) {
      setError('Give the start and end of the time window.');
      return;
    }
    const useCanvass = canvass.lat.trim() !== '' || canvass.lon.trim() !== '';
    if (!plate.trim() && !useCanvass && chosen.length === 0) {
      setError('Give a plate (or partial plate with * and ?), a camera, or a point to canvass around.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(
        await searchReads({
          purpose: { category: purpose.category, case_number: purpose.caseNumber.trim() },
          plate: plate.trim() || undefined,
          from: fromIso,
          to: toIso,
          cameras: chosen.length ? chosen : undefined,
          canvass: useCanvass
            ? { lat: Number(canvass.lat), lon: Number(canvass.lon), radius_m: Number(canvass.radius) }
            : undefined,
        }),
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">Search reads</h2>
      <form onSubmit={submit}>
        <PurposeFields idPrefix="search" value={purpose} onChange={setPurpose} />
        <div class="row">
          <Field id="search-plate" label="Plate (partial: * any run, ? one character)">
            <input
              id="search-plate"
              maxLength={16}
              value={plate}
              onInput={(e) => setPlate(e.currentTarget.value.toUpperCase())}
            />
          </Field>
          <Field id="search-from" label="From">
            <input
              id="search-from"
              type="datetime-local"
              required
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          </Field>
          <Field id="search-to" label="To">
            <input
              id="search-to"
              type="datetime-local"
              required
              value={to}
              onInput={(e) => setTo(e.currentTarget.value)}
            />
          </Field>
        </div>
        {cameras.length ? (
          <fieldset>
            <legend>Cameras (none chosen: all)</legend>
            <div class="choices">
              {cameras.map((c) => (
                <label key={c.id} class="choice">
                  <input
                    type="checkbox"
                    checked={chosen.includes(c.id)}
                    onChange={(e) =>
                      setChosen(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))
                    }
                  />
                  {c.name}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Canvass around a point (optional)</legend>
          <div class="row">
            <Field id="search-lat" label="Latitude">
              <input
                id="search-lat"
                inputMode="decimal"
                value={canvass.lat}
                onInput={(e) => setCanvass({ ...canvass, lat: e.currentTarget.value })}
              />
            </Field>
            <Field id="search-lon" label="Longitude">
              <input
                id="search-lon"
                inputMode="decimal"
                value={canvass.lon}
                onInput={(e) => setCanvass({ ...canvass, lon: e.currentTarget.value })}
              />
            </Field>
            <Field id="search-radius" label="Radius, metres">
              <input
                id="search-radius"
                inputMode="numeric"
                value={canvass.radius}
                onInput={(e) => setCanvass({ ...canvass, radius: e.currentTarget.value })}
              />
            </Field>
          </div>
        </fieldset>
        <button type="submit" disabled={busy}>
          Search
        </button>
        <ErrorLine error={error} />
      </form>
      {result ? <ReadList reads={result.reads} now={now} truncated={result.truncated} /> : null}
    </section>
  );
}
