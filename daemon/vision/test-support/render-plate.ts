import sharp from 'sharp';
import type { RgbImage } from '../image.js';

export interface RenderedScene {
  image: RgbImage;
  /** Where the plate is, in frame pixels. */
  plate: { x: number; y: number; w: number; h: number };
}

/**
 * A 1280×720 road-ish frame with one US-style plate: the state name small above the
 * characters, a slogan below, a van's phone number and a camera clock elsewhere in the frame.
 * Rendered from SVG in the test itself: no dataset image is committed.
 */
export async function renderPlateScene(text = 'ABC 1234'): Promise<RenderedScene> {
  const plate = { x: 490, y: 420, w: 320, h: 140 };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720">
  <rect width="1280" height="720" fill="#5a6470"/>
  <rect x="380" y="300" width="540" height="300" rx="30" fill="#2c3e50"/>
  <rect x="${plate.x}" y="${plate.y}" width="${plate.w}" height="${plate.h}" rx="10" fill="#ffffff" stroke="#222" stroke-width="4"/>
  <text x="650" y="452" font-family="DejaVu Sans" font-size="22" font-weight="bold" fill="#a01010" text-anchor="middle">TEXAS</text>
  <text x="650" y="515" font-family="DejaVu Sans Mono" font-size="54" font-weight="bold" fill="#111" text-anchor="middle">${text}</text>
  <text x="650" y="548" font-family="DejaVu Sans" font-size="14" fill="#333" text-anchor="middle">THE LONE STAR STATE</text>
  <rect x="40" y="120" width="320" height="160" fill="#eeeeee"/>
  <text x="200" y="215" font-family="DejaVu Sans" font-size="40" font-weight="bold" fill="#0a3" text-anchor="middle">555-0188</text>
  <text x="1150" y="40" font-family="DejaVu Sans Mono" font-size="26" fill="#fff" text-anchor="middle">12:34:56</text>
</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    image: {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    },
    plate,
  };
}
