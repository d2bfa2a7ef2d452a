#!/usr/bin/env bash
# Installs alpr-edge on a unit (Debian 12, Node 20) as a systemd service. Run as root from a
# checkout: sudo scripts/install-unit.sh. Re-running upgrades in place and keeps config and data.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/alpr-edge

echo "== system packages (ffmpeg, build tools for the SQLite binding)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg python3 make g++ ca-certificates

echo "== user, folders"
install -D -m 0644 "$src/systemd/alpr-edge.sysusers.conf" /usr/lib/sysusers.d/alpr-edge.conf
install -D -m 0644 "$src/systemd/alpr-edge.tmpfiles.conf" /usr/lib/tmpfiles.d/alpr-edge.conf
systemd-sysusers alpr-edge.conf
systemd-tmpfiles --create alpr-edge.conf

echo "== program into $prefix"
mkdir -p "$prefix"
# Copy the tracked files only: never a developer's database, logs or datasets.
(cd "$src" && git ls-files -z 2>/dev/null || find . -path ./node_modules -prune -o -type f -print0) |
  (cd "$src" && xargs -0 cp --parents -t "$prefix")
# tsx is a runtime dependency (the unit runs the TypeScript sources), so --omit=dev keeps it.
(cd "$prefix" && npm ci --omit=dev --no-audit --no-fund)
chown -R root:root "$prefix"

echo "== configuration"
if [ ! -f /etc/alpr-edge/config.yaml ]; then
  install -m 0640 -g alpr-edge "$src/config/alpr-edge.example.yaml" /etc/alpr-edge/config.yaml
  echo "   wrote /etc/alpr-edge/config.yaml from the example: edit cameras, then run"
  echo "   alpr-edge check-config /etc/alpr-edge/config.yaml"
fi
if [ ! -f /etc/alpr-edge/audit-key ]; then
  # The audit log's HMAC key: root-only, handed to the service as a systemd credential.
  (cd "$prefix" && node --import tsx scripts/make-audit-key.ts /etc/alpr-edge/audit-key)
fi
ln -sf "$prefix/bin/alpr-edge.js" /usr/local/bin/alpr-edge
install -m 0644 "$src/systemd/alpr-edge.service" /etc/systemd/system/alpr-edge.service
systemctl daemon-reload
echo "== put each camera/broker password in /etc/alpr-edge/credentials/NAME (mode 0600),"
echo "   list it as LoadCredential= in 'systemctl edit alpr-edge', then:"
echo "   systemctl enable --now alpr-edge && journalctl -u alpr-edge -f"
