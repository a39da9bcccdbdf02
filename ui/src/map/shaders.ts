// GLSL ES 1.00 (runs on WebGL1 and WebGL2 contexts alike). Positions arrive relative to an
// origin (see gl.ts `translated`); markers glide from a_from to a_to between a_time.x and
// a_time.y (seconds), so interpolation costs the CPU nothing per frame.
import { CELLS, DIRECTIONS } from "./markerSprite";

export const POINT_VS = `
attribute vec2 a_from;
attribute vec2 a_to;
attribute vec2 a_time;
attribute float a_heading;
attribute float a_status;
uniform mat4 u_matrix;
uniform float u_now;
uniform float u_size;
uniform float u_bearing;
uniform vec3 u_colors[5];
varying vec3 v_color;
varying float v_u0;
void main() {
  if (a_status > 10.0) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  float d = a_time.y - a_time.x;
  float t = d > 0.0 ? clamp((u_now - a_time.x) / d, 0.0, 1.0) : 1.0;
  vec2 p = mix(a_from, a_to, t);
  gl_Position = u_matrix * vec4(p, 0.0, 1.0);
  gl_PointSize = a_status > 3.5 ? u_size * 1.35 : u_size;
  v_color = u_colors[int(a_status + 0.5)];
  // The atlas cell of the arrow turned nearest to the heading on screen (markerSprite.ts);
  // no heading: the disc in the last cell. v_u0 is the cell's left edge in texture u.
  float cell = ${DIRECTIONS}.0;
  if (a_heading >= -100.0) {
    float turns = (a_heading - u_bearing) / 6.2831853;
    cell = mod(floor(turns * ${DIRECTIONS}.0 + 0.5), ${DIRECTIONS}.0);
  }
  v_u0 = cell / ${CELLS}.0;
}
`;

// One lookup in the marker atlas (markerSprite.ts): red = coverage, green = inner fill.
// The arrow is drawn turned in the atlas, so a fragment does no trigonometry. Branch-free
// and without discard: a software rasteriser shades every fragment of the point's square
// anyway, and empty texels blend to nothing (premultiplied alpha).
export const POINT_FS = `
precision mediump float;
varying vec3 v_color;
varying float v_u0;
uniform vec3 u_outline;
uniform sampler2D u_sprite;
void main() {
  // gl_PointCoord's y grows downwards, the atlas's t upwards
  vec2 m = texture2D(u_sprite, vec2(v_u0 + gl_PointCoord.x / ${CELLS}.0, 1.0 - gl_PointCoord.y)).rg;
  gl_FragColor = vec4(mix(u_outline, v_color, m.g), 1.0) * m.r;
}
`;

/** The selection ring around one marker (same vertex shader, drawn larger). */
export const HALO_FS = `
precision mediump float;
uniform vec3 u_outline;
void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0);
  float ring = smoothstep(0.72, 0.8, r) * (1.0 - smoothstep(0.92, 1.0, r));
  if (ring <= 0.0) discard;
  gl_FragColor = vec4(u_outline, 1.0) * ring;
}
`;

export const TRAIL_VS = `
attribute vec2 a_from;
attribute vec2 a_to;
attribute vec2 a_time;
attribute float a_alpha;
attribute float a_status;
uniform mat4 u_matrix;
uniform float u_now;
uniform vec3 u_colors[5];
varying vec4 v_color;
void main() {
  float d = a_time.y - a_time.x;
  float t = d > 0.0 ? clamp((u_now - a_time.x) / d, 0.0, 1.0) : 1.0;
  gl_Position = u_matrix * vec4(mix(a_from, a_to, t), 0.0, 1.0);
  v_color = vec4(u_colors[int(a_status + 0.5)], 1.0) * a_alpha;
}
`;

export const TRAIL_FS = `
precision mediump float;
varying vec4 v_color;
void main() {
  gl_FragColor = v_color;
}
`;

export const CLUSTER_VS = `
attribute vec2 a_pos;
attribute float a_size;
attribute float a_status;
attribute float a_alert;
uniform mat4 u_matrix;
uniform vec3 u_colors[5];
varying vec3 v_color;
varying float v_alert;
void main() {
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  gl_PointSize = a_size;
  v_color = u_colors[int(a_status + 0.5)];
  v_alert = a_alert;
}
`;

export const CLUSTER_FS = `
precision mediump float;
varying vec3 v_color;
varying float v_alert;
uniform vec3 u_outline;
uniform vec3 u_alert;
void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0);
  float a = 1.0 - smoothstep(0.9, 1.0, r);
  if (a <= 0.0) discard;
  // ring: the emergency colour when the cluster holds an emergency
  vec3 ring = v_alert > 0.5 ? u_alert : u_outline;
  vec3 col = mix(v_color, ring, smoothstep(0.7, 0.76, r));
  gl_FragColor = vec4(col, 1.0) * a * 0.88;
}
`;
