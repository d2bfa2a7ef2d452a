import { useEffect, useRef, useState } from 'preact/hooks';
import type { CamerasResponse, LiveStartResponse } from '../../../daemon/api/web-contract.js';
import { endLive, fetchCameras, liveSocketUrl, startLive } from '../api.js';
import { ErrorLine, errorText } from './common.js';

type Camera = CamerasResponse['cameras'][number];

/**
 * A camera's live picture, for aiming and focusing it and for checking what it sees. The server
 * relays the stream only while someone watches; leaving the view ends the viewing.
 */
export function LiveView() {
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchCameras().then(
      (c) => setCameras(c.cameras),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);

  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">Live view</h2>
      <ErrorLine error={error} />
      {cameras ? (
        <fieldset class="choices">
          <legend class="visually-hidden">Camera</legend>
          {cameras.map((c) => (
            <button
              key={c.id}
              type="button"
              aria-pressed={chosen === c.id}
              onClick={() => setChosen(chosen === c.id ? null : c.id)}
            >
              {c.name}
            </button>
          ))}
        </fieldset>
      ) : null}
      {chosen ? <LivePicture key={chosen} cameraId={chosen} /> : <p class="muted">Choose a camera.</p>}
    </section>
  );
}

function LivePicture({ cameraId }: { cameraId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [live, setLive] = useState<LiveStartResponse | null>(null);
  const [playing, setPlaying] = useState(false);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let player: { destroy(): void } | undefined;
    let liveId: string | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    startLive(cameraId).then(
      async (l) => {
        liveId = l.live_id;
        if (stopped) return void endLive(l.live_id).catch(() => undefined);
        setLive(l);
        if (l.kind === 'mpeg1') {
          const { playLive } = await import('../live-player.js');
          if (stopped || !canvas.current) return;
          player = playLive(liveSocketUrl(l.ws_path), canvas.current, () => setPlaying(true));
        } else {
          timer = setInterval(() => setTick((n) => n + 1), l.interval_ms);
        }
      },
      (e: unknown) => setError(errorText(e)),
    );
    return () => {
      stopped = true;
      player?.destroy();
      if (timer) clearInterval(timer);
      if (liveId) void endLive(liveId).catch(() => undefined);
    };
  }, [cameraId]);

  return (
    <div class="live">
      <ErrorLine error={error} />
      {live?.kind === 'jpeg' ? (
        <>
          <img class="live-frame" src={`${live.frame_path}?n=${tick}`} alt="newest frame of the camera" />
          <p class="muted">A frame a second: this camera's stream cannot be relayed.</p>
        </>
      ) : (
        <>
          <canvas class="live-frame" ref={canvas} width={640} height={360} aria-label="live picture of the camera" />
          <p class="muted">{live ? (playing ? 'Live' : 'Waiting for the first frame…') : 'Starting the relay…'}</p>
        </>
      )}
    </div>
  );
}
