import { PURPOSE_CATEGORIES } from '../access/purpose.js';
import type { ApiRead } from '../api/contract.js';
import { describeLocated } from '../position/fix.js';
import type { CliCommand, CliIo } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { writeNewFile } from './output-file.js';
import { listFlag, purposeFlags, withSession } from './session.js';

const HELP = `usage: alpr-edge search [plates] --from TIME --to TIME [--plate P] [--camera A,B] [--limit N] PURPOSE
       alpr-edge search canvass --lat LAT --lon LON --radius METRES --from TIME --to TIME [--camera A,B] PURPOSE
       alpr-edge search read ID [--crop FILE.jpg] PURPOSE

Searches stored reads (policy 424.3(c),(d)). --plate takes an exact plate or a partial one:
"*" stands for any run of characters, "?" for exactly one (AB?12*). "canvass" lists every read
taken within a radius of a place during a window, nearest first: where each read was made (a
fixed camera's place, or a patrol car's GPS position at the moment), and LOCATED says which.
"read" shows one read, its position and its hits, and can save its plate crop to a new file
(an existing file or a symbolic link is refused).

PURPOSE (required, policy 424.5(c)): --purpose CATEGORY --case NUMBER
  categories: ${PURPOSE_CATEGORIES.join(', ')}
Every search, with its purpose, query and result count, is written to the audit log under your name.
Output is a table, or JSON with --json.

${COMMON_HELP}`;

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'search reads by plate (partial with * ?), time, camera, or canvass around a place',
  help: HELP,
  async run(args, io) {
    const sub = args[0] === 'canvass' || args[0] === 'read' || args[0] === 'plates' ? args[0] : 'plates';
    const rest = sub === 'plates' && args[0] !== 'plates' ? args : args.slice(1);
    const known = {
      values: ['from', 'to', 'plate', 'camera', 'limit', 'purpose', 'case', 'lat', 'lon', 'radius', 'crop'],
      switches: ['json'],
    };
    return withSession(rest, io, known, async ({ api, values, switches, positional }) => {
      const purpose = purposeFlags(values);
      const cameras = listFlag(values.camera);
      if (sub === 'read') {
        const id = positional[0];
        if (!id) throw new Error('give the read id: alpr-edge search read ID');
        const r = await api.call('viewRead', { ...purpose, crop: Boolean(values.crop) }, { id });
        if (!r.read) {
          io.err(`no read ${id} (it may have been purged)`);
          return 1;
        }
        if (values.crop && r.crop_base64) writeNewFile(values.crop, Buffer.from(r.crop_base64, 'base64'));
        if (switches.has('json')) io.out(JSON.stringify({ read: r.read, hits: r.hits }, null, 2));
        else {
          printReads(io, [r.read]);
          io.out(`position: ${positionLine(r.read)}`);
          for (const h of r.hits)
            io.out(
              `hit ${h.id}: ${h.category} (${h.reason}) — ${h.status.toUpperCase()}${h.verifiedBy ? ` by ${h.verifiedBy} ${iso(h.verifiedAt)} ref ${h.verificationRef}` : ''}`,
            );
          if (values.crop) io.out(r.crop_base64 ? `crop saved to ${values.crop}` : 'this read has no crop');
        }
        return 0;
      }
      if (values.from === undefined) throw new Error('give --from TIME');
      if (values.to === undefined) throw new Error('give --to TIME');
      const window = { from: values.from, to: values.to };
      const limit = values.limit ? Number(values.limit) : undefined;
      if (sub === 'canvass') {
        const [lat, lon, radiusM] = [Number(values.lat), Number(values.lon), Number(values.radius)];
        if (![lat, lon, radiusM].every(Number.isFinite))
          throw new Error('a canvass needs --lat, --lon and --radius (metres)');
        const r = await api.call('canvass', { ...purpose, ...window, lat, lon, radius_m: radiusM, cameras, limit });
        if (switches.has('json')) io.out(JSON.stringify(r, null, 2));
        else {
          printTable(
            io,
            ['DISTANCE_M', 'TIME', 'PLATE', 'STATE', 'CONF', 'CAMERA', 'LOCATED', 'LOCATION', 'ID'],
            r.reads.map((x) => [
              x.distanceM,
              iso(x.lastSeen),
              x.plate,
              x.state,
              x.confidence.toFixed(2),
              x.cameraId,
              x.located,
              x.locationText,
              x.id,
            ]),
          );
          io.out(
            `${r.reads.length} read(s)${r.truncated ? ' (more matched: narrow the window or raise --limit)' : ''}`,
          );
        }
        return 0;
      }
      const r = await api.call('searchReads', { ...purpose, ...window, plate: values.plate, cameras, limit });
      if (switches.has('json')) io.out(JSON.stringify(r, null, 2));
      else {
        printReads(io, r.reads);
        io.out(`${r.reads.length} read(s)${r.truncated ? ' (more matched: narrow the search or raise --limit)' : ''}`);
      }
      return 0;
    });
  },
};

function printReads(io: CliIo, reads: ApiRead[]): void {
  printTable(
    io,
    ['TIME', 'PLATE', 'STATE', 'CONF', 'CAMERA', 'LOCATION', 'ID'],
    reads.map((x) => [iso(x.lastSeen), x.plate, x.state, x.confidence.toFixed(2), x.cameraId, x.locationText, x.id]),
  );
}

/** "39.7422000,-105.5136000 (GPS 3D fix; ±4 m; 22.3 m/s; course 271°)", or why there is no position. */
function positionLine(r: ApiRead): string {
  const p = r.position;
  const how = describeLocated(p, r.positionStatus);
  if (!p) return how;
  const extra = [
    how,
    p.accuracyM !== null ? `±${Math.round(p.accuracyM)} m` : '',
    p.speedMps !== null ? `${p.speedMps.toFixed(1)} m/s` : '',
    p.headingDeg !== null ? `course ${Math.round(p.headingDeg)}°` : '',
  ].filter(Boolean);
  return `${p.lat.toFixed(7)},${p.lon.toFixed(7)} (${extra.join('; ')})`;
}
