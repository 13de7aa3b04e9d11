/**
 * Emoji shortcodes as small inline SVG pictures, as Slack draws its own emoji instead of relying on
 * the system's fonts (a server or CI browser often has no colour emoji font). Only the ones the app
 * uses and a few common ones are known; unknown shortcodes stay as text.
 */
const ROUNDED = (fill: string) => `<rect x="1" y="1" width="18" height="18" rx="4" fill="${fill}"/>`;
const CIRCLE = (fill: string) => `<circle cx="10" cy="10" r="8.5" fill="${fill}"/>`;
const STROKE = 'fill="none" stroke-linecap="round" stroke-linejoin="round"';

const PICTURES: Record<string, string> = {
  white_check_mark: `${ROUNDED('#5fb840')}<path d="M5.5 10.5l3 3 6-7" ${STROKE} stroke="#fff" stroke-width="2.4"/>`,
  heavy_check_mark: `<path d="M4 10.5l4 4 8-9" ${STROKE} stroke="#3d3d3d" stroke-width="3"/>`,
  large_green_circle: CIRCLE('#78b159'),
  red_circle: CIRCLE('#dd2e44'),
  large_orange_circle: CIRCLE('#f4900c'),
  arrow_forward: `${ROUNDED('#3b88c3')}<path d="M7.5 5.5v9l7-4.5z" fill="#fff"/>`,
  large_yellow_circle: CIRCLE('#fdcb58'),
  large_blue_circle: CIRCLE('#55acee'),
  no_entry: `${CIRCLE('#dd2e44')}<rect x="4.5" y="8.6" width="11" height="2.8" rx="1" fill="#fff"/>`,
  x: `<path d="M5 5l10 10M15 5L5 15" ${STROKE} stroke="#dd2e44" stroke-width="3"/>`,
  warning:
    '<path d="M10 2.2l8.3 15.3H1.7z" fill="#ffcc4d" stroke="#f4a300" stroke-width="1" stroke-linejoin="round"/>' +
    '<rect x="9" y="7" width="2" height="6" rx="1" fill="#333"/><circle cx="10" cy="15.2" r="1.1" fill="#333"/>',
  hourglass_flowing_sand:
    `<path d="M5 2.5h10M5 17.5h10" ${STROKE} stroke="#9b6b3d" stroke-width="2"/>` +
    '<path d="M6.3 3.5c0 4 3.2 4.8 3.2 6.5s-3.2 2.5-3.2 6.5h7.4c0-4-3.2-4.8-3.2-6.5s3.2-2.5 3.2-6.5z" ' +
    'fill="#dbeefa" stroke="#7fa7c9"/>' +
    '<path d="M7.6 15.8c.4-1.8 2.4-2.3 2.4-3.8 0 1.5 2 2 2.4 3.8z' +
    'M8 5.6h4c-.4 1.2-1.5 1.8-2 2.5-.5-.7-1.6-1.3-2-2.5z" fill="#f4b942"/>',
  arrows_counterclockwise:
    `${ROUNDED('#3b88c3')}<path d="M14.6 8.2A4.9 4.9 0 0 0 5.7 7M5.4 11.8a4.9 4.9 0 0 0 8.9 1.2" ` +
    `${STROKE} stroke="#fff" stroke-width="1.8"/>` +
    `<path d="M5.2 4.2v3.2h3.2M14.8 15.8v-3.2h-3.2" ${STROKE} stroke="#fff" stroke-width="1.8"/>`,
  ballot_box_with_check:
    `<rect x="2" y="2" width="16" height="16" rx="2" fill="#fff" stroke="#8899a6" stroke-width="1.6"/>` +
    `<path d="M5.5 10.5l3 3 6-7" ${STROKE} stroke="#3b88c3" stroke-width="2.4"/>`,
  heavy_multiplication_x: `<path d="M5 5l10 10M15 5L5 15" ${STROKE} stroke="#3d3d3d" stroke-width="3.2"/>`,
  alarm_clock:
    `<path d="M3 6.2l3-3M17 6.2l-3-3" ${STROKE} stroke="#dd2e44" stroke-width="2.4"/>` +
    `<path d="M5.5 17.5l1.4-1.6M14.5 17.5l-1.4-1.6" ${STROKE} stroke="#66757f" stroke-width="1.6"/>` +
    '<circle cx="10" cy="10.8" r="6.6" fill="#fff" stroke="#dd2e44" stroke-width="1.8"/>' +
    `<path d="M10 7v4l2.6 1.6" ${STROKE} stroke="#333" stroke-width="1.5"/>`,
  bell:
    '<path d="M10 2.6c-3.2 0-5.2 2.4-5.2 5.6v3.6L3 14.6h14l-1.8-2.8V8.2c0-3.2-2-5.6-5.2-5.6z" ' +
    'fill="#ffac33" stroke="#e08e0b" stroke-width="0.8" stroke-linejoin="round"/>' +
    '<circle cx="10" cy="16.4" r="1.9" fill="#e08e0b"/>',
  ice_cube:
    '<path d="M10 2.5l6.5 3.4v8.2L10 17.5l-6.5-3.4V5.9z" fill="#bde6fb" stroke="#5dadec" stroke-width="1" ' +
    'stroke-linejoin="round"/><path d="M3.5 5.9L10 9.3l6.5-3.4M10 9.3v8.2" fill="none" stroke="#5dadec" ' +
    'stroke-width="1" stroke-linejoin="round"/><path d="M5.2 8.2l2.6 1.4" stroke="#fff" stroke-width="1.2" ' +
    'stroke-linecap="round"/>',
  sunny:
    '<circle cx="10" cy="10" r="4.2" fill="#ffcc4d"/>' +
    `<path d="M10 1.5v2.6M10 15.9v2.6M1.5 10h2.6M15.9 10h2.6M4 4l1.8 1.8M14.2 14.2L16 16M4 16l1.8-1.8` +
    `M14.2 5.8L16 4" ${STROKE} stroke="#ffac33" stroke-width="1.8"/>`,
  information_source:
    `${ROUNDED('#3b88c3')}<circle cx="10" cy="5.8" r="1.4" fill="#fff"/>` +
    '<rect x="8.8" y="8.2" width="2.4" height="7.2" rx="1" fill="#fff"/>',
};

/** The picture for `:name:` as HTML, or undefined when the name is unknown. */
export function emojiHtml(name: string): string | undefined {
  const picture = PICTURES[name];
  return picture === undefined
    ? undefined
    : `<svg class="emoji" viewBox="0 0 20 20" width="18" height="18" role="img" aria-label=":${name}:">` +
        `${picture}</svg>`;
}

/** Replaces known `:shortcode:`s in already HTML-escaped text with their pictures. */
export function emojify(escapedText: string): string {
  return escapedText.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => emojiHtml(name) ?? whole);
}
