/** The part of @cycjimmy/jsmpeg-player (JSMpeg) the live view uses; the package ships no types. */
declare module '@cycjimmy/jsmpeg-player' {
  export interface PlayerOptions {
    canvas: HTMLCanvasElement;
    audio?: boolean;
    disableWebAssembly?: boolean;
    disableGl?: boolean;
    pauseWhenHidden?: boolean;
    reconnectInterval?: number;
    videoBufferSize?: number;
    onVideoDecode?: () => void;
    onSourceEstablished?: () => void;
  }
  export class Player {
    constructor(url: string, options: PlayerOptions);
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
