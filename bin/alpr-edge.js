#!/usr/bin/env node
// Entry point: runs the TypeScript sources in this process through tsx's loader (no build step on
// the unit, and no extra process between systemd and the daemon for signals and sd_notify).
import { register } from 'tsx/esm/api';

register();
await import('../daemon/entry.ts');
