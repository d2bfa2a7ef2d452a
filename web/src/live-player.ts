/**
 * The MPEG-1 player, loaded only when someone opens a live view (it is most of the page's
 * JavaScript). It runs JSMpeg's JavaScript decoder: its WebAssembly one would need
 * `wasm-unsafe-eval` in the page's Content-Security-Policy.
 */
import JSMpeg from '@cycjimmy/jsmpeg-player';

export interface LivePlayer {
  destroy(): void;
}

/** Plays the MPEG-TS stream at `url` (ws: or wss:) into `canvas`; `onFrame` runs after each decoded frame. */
export function playLive(url: string, canvas: HTMLCanvasElement, onFrame: () => void): LivePlayer {
  return new JSMpeg.Player(url, {
    canvas,
    audio: false,
    disableWebAssembly: true,
    pauseWhenHidden: false,
    reconnectInterval: 2,
    onVideoDecode: onFrame,
  });
}
