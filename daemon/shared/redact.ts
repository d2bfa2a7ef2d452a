/**
 * Removes credentials from anything that may carry a URL (ffmpeg stderr, config echoes, errors),
 * so RTSP passwords never reach the journal. Works on whole lines, not only on parsed URLs.
 */
export function stripCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(:[^/@\s]*)?@/gi, '$1***:***@');
}
