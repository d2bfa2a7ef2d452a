import { AccessDeniedError } from '../shared/errors.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { ReadStore, type StoredRead } from '../store/reads.js';
import { EvidenceExportStore } from '../store/evidence-exports.js';
import { HitViewStore } from '../store/hit-views.js';
import { HoldStore } from '../store/holds.js';
import { transactionsOn } from '../store/transactions.js';
import { ReleaseStore } from '../store/releases.js';
import {
  checkTarget,
  PACKAGE_FORMAT,
  statfsFreeSpace,
  toCsv,
  writePackage,
  type FreeSpace,
  type PackageFile,
} from '../evidence/package.js';
import type { UnitKey } from '../evidence/unit-key.js';
import type { AuditedAccess } from './audited-access.js';
import type { AuthenticatedUser } from './authorize.js';
import type { HitView } from './hit-queries.js';
import type { Purpose } from './purpose.js';

export interface EvidenceExportDeps {
  db: Db;
  clock: Clock;
  access: AuditedAccess;
  unitId: string;
  agency: string;
  /** Signs each package's manifest. */
  unitKey: UnitKey;
  freeSpace?: FreeSpace;
}

/**
 * How the package leaves the daemon: encrypted (the API seals it with the exporter's passphrase),
 * or plain, which needs a reason; either is recorded in the export's audit entry.
 */
export type ExportProtection = { encrypted: true } | { encrypted: false; plainReason: string };

export interface ExportResult {
  id: string;
  dir: string;
  manifestSha256: string;
  reads: number;
  hits: number;
  crops: number;
}

interface CaseData {
  reads: StoredRead[];
  crops: { readId: string; jpeg: Buffer }[];
  hits: HitView[];
}

const READ_COLUMNS = [
  'id',
  'camera_id',
  'plate',
  'state',
  'confidence',
  'first_seen',
  'last_seen',
  'frames',
  'location_text',
  'lat',
  'lon',
  'position_source',
  'position_status',
  'best_seen',
  'accuracy_m',
  'speed_mps',
  'heading_deg',
  'fix_mode',
  'fix_age_s',
  'crop_file',
];
const HIT_COLUMNS = [
  'id',
  'read_id',
  'created_at',
  'camera_id',
  'plate',
  'state',
  'category',
  'reason',
  'match_kind',
  'status',
  'verified_by',
  'verified_at',
  'verification_ref',
  'verification_note',
];

/**
 * `alpr-edge evidence export` (policy 424.4): the reads an active hold of the case covers, their
 * hits and crops, the case's holds, releases and audit entries, written as a verifiable package.
 * Reading the data and its audit entry share one transaction (AuditedAccess.perform); the files
 * are built after it in `target` (through the API, the daemon's private staging folder), and a
 * second entry records what is true when the package leaves: `export_handed`, with the manifest
 * hash, or `export_written` failed when it could not be built. Whether the client then wrote it
 * is the client's report (recordExportOutcome), audited as `export_written`.
 */
export function exportEvidence(
  deps: EvidenceExportDeps,
  user: AuthenticatedUser,
  purpose: Purpose | undefined,
  target: string,
  protection: ExportProtection,
  /** Where the package is going, for the audit log and the export record, when `target` is only a staging folder. */
  recordAs: string = target,
): ExportResult {
  const { db, clock, access } = deps;
  const caseNumber = purpose?.caseNumber ?? '';
  const id = randomUUID();
  const audit = new AuditLog(db);
  // The target is checked before any data is read, so a missing drive costs nothing but a refusal entry.
  const data = access.perform(
    user,
    'export',
    purpose,
    {
      kind: 'evidence_export',
      target: recordAs,
      export_id: id,
      ...(protection.encrypted
        ? { protection: 'aes-256-gcm' }
        : { protection: 'plain', plain_reason: protection.plainReason }),
    },
    () => {
      const federal = access.federalExportProblem(caseNumber);
      if (federal) throw new AccessDeniedError(federal);
      if (!protection.encrypted && !protection.plainReason.trim())
        throw new Error(
          'say how the package leaves: a passphrase to encrypt it, or a reason for a plain one (--plain --reason)',
        );
      const readStore = new ReadStore(db);
      // Only holds that protect now: a wide hold awaiting its second person, or one past its
      // review date, does not widen what leaves the unit either.
      const ids = new HoldStore(db).readIdsForCase(caseNumber, clock.now());
      if (ids.length === 0)
        throw new Error(
          `no active evidence hold of case ${caseNumber} covers any read: create one first (alpr-edge holds add)`,
        );
      const reads = ids.map((i) => readStore.get(i)!).filter(Boolean);
      const crops = reads.flatMap((r) => {
        const jpeg = readStore.crop(r.id);
        return jpeg ? [{ readId: r.id, jpeg }] : [];
      });
      const out: CaseData = { reads, crops, hits: new HitViewStore(db).ofReads(ids) };
      const need = crops.reduce((n, c) => n + c.jpeg.length + 4096, 0) + reads.length * 2048 + 1024 * 1024;
      checkTarget(target, need, deps.freeSpace ?? statfsFreeSpace);
      return { value: out, count: reads.length, detail: { hits: out.hits.length, crops: crops.length } };
    },
  );

  const now = clock.now();
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const name = `alpr-evidence-${caseNumber.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`;
  try {
    const files = packageFiles(db, data, caseNumber);
    const exportEntry = audit
      .forCase(caseNumber)
      .filter((e) => e.action === 'export')
      .pop();
    const result = writePackage(
      target,
      name,
      files,
      {
        format: PACKAGE_FORMAT,
        case_number: caseNumber,
        unit_id: deps.unitId,
        agency: deps.agency,
        exported_by: { username: user.username, full_name: user.fullName, role: user.role },
        exported_at: new Date(now).toISOString(),
        purpose: { category: purpose!.category, case_number: caseNumber },
        audit_seq: exportEntry?.seq ?? 0,
        counts: { reads: data.reads.length, hits: data.hits.length, crops: data.crops.length },
        unit_key_sha256: deps.unitKey.fingerprint,
      },
      (m) => deps.unitKey.sign(m),
    );
    transactionsOn(db).immediate(() => {
      new EvidenceExportStore(db).insert({
        id,
        at: now,
        exportedBy: user.username,
        caseNumber,
        purposeCategory: purpose!.category,
        target: recordAs === target ? result.dir : recordAs,
        reads: data.reads.length,
        hits: data.hits.length,
        crops: data.crops.length,
        manifestSha256: result.manifestSha256,
      });
      audit.append({
        at: now,
        username: user.username,
        role: user.role,
        // Handed over, not written: only the client knows whether the drive took it (424.5(b)).
        action: 'export_handed',
        outcome: 'allowed',
        purposeCategory: purpose!.category,
        caseNumber,
        resultCount: data.reads.length,
        query: { export_id: id },
        detail: {
          destination: recordAs === target ? result.dir : recordAs,
          manifest_sha256: result.manifestSha256,
          unit_key_sha256: deps.unitKey.fingerprint,
          protection: protection.encrypted ? 'aes-256-gcm' : 'plain',
        },
      });
    });
    return {
      id,
      dir: result.dir,
      manifestSha256: result.manifestSha256,
      reads: data.reads.length,
      hits: data.hits.length,
      crops: data.crops.length,
    };
  } catch (err) {
    audit.append({
      at: clock.now(),
      username: user.username,
      role: user.role,
      action: 'export_written',
      outcome: 'failed',
      purposeCategory: purpose!.category,
      caseNumber,
      query: { export_id: id, target: recordAs },
      detail: { error: (err as Error).message },
    });
    throw err;
  }
}

function packageFiles(db: Db, data: CaseData, caseNumber: string): PackageFile[] {
  const readRows = data.reads.map((r) => ({
    id: r.id,
    camera_id: r.cameraId,
    plate: r.plate,
    state: r.state,
    confidence: r.confidence,
    alternatives: r.alternatives,
    first_seen: new Date(r.firstSeen).toISOString(),
    last_seen: new Date(r.lastSeen).toISOString(),
    frames: r.frames,
    box: r.box,
    frame_w: r.frameWidth,
    frame_h: r.frameHeight,
    location_text: r.locationText,
    lat: r.lat,
    lon: r.lon,
    // Where the read was made: a fixed camera's coordinates, or the patrol car's GPS at best_seen.
    position_source: r.position?.source ?? null,
    position_status: r.positionStatus,
    best_seen: r.bestSeen === null ? null : new Date(r.bestSeen).toISOString(),
    accuracy_m: r.position?.accuracyM ?? null,
    speed_mps: r.position?.speedMps ?? null,
    heading_deg: r.position?.headingDeg ?? null,
    fix_mode: r.position?.fixMode ?? null,
    fix_age_s: r.position?.fixAgeS ?? null,
    crop_file: data.crops.some((c) => c.readId === r.id) ? `crops/${safe(r.id)}.jpg` : null,
  }));
  const hitRows = data.hits.map((h) => ({
    id: h.id,
    read_id: h.readId,
    created_at: new Date(h.createdAt).toISOString(),
    camera_id: h.cameraId,
    plate: h.plate,
    state: h.state,
    category: h.category,
    reason: h.reason,
    match_kind: h.matchKind,
    status: h.status,
    verified_by: h.verifiedBy,
    verified_at: h.verifiedAt === null ? null : new Date(h.verifiedAt).toISOString(),
    verification_ref: h.verificationRef,
    verification_note: h.verificationNote,
  }));
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return [
    { path: 'reads.json', data: json(readRows) },
    { path: 'reads.csv', data: toCsv(readRows, READ_COLUMNS) },
    { path: 'hits.json', data: json(hitRows) },
    { path: 'hits.csv', data: toCsv(hitRows, HIT_COLUMNS) },
    { path: 'holds.json', data: json(new HoldStore(db).list({ caseNumber, includeReleased: true })) },
    { path: 'releases.json', data: json(new ReleaseStore(db).forCase(caseNumber)) },
    { path: 'audit.json', data: json(new AuditLog(db).forCase(caseNumber)) },
    ...data.crops.map((c) => ({ path: `crops/${safe(c.readId)}.jpg`, data: c.jpeg })),
  ];
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
