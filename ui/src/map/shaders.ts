// GLSL ES 1.00 (runs on WebGL1 and WebGL2 contexts alike). Positions arrive relative to an
// origin (see gl.ts `translated`); markers glide from a_from to a_to between a_time.x and
// a_time.y (seconds), so interpolation costs the CPU nothing per frame.

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
varying float v_angle;
varying float v_arrow;
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
  v_arrow = a_heading < -100.0 ? 0.0 : 1.0;
  v_angle = a_heading - u_bearing;
}
`;

export const POINT_FS = `
precision mediump float;
varying vec3 v_color;
varying float v_angle;
varying float v_arrow;
uniform vec3 u_outline;
uniform float u_halo;
float arrow(vec2 q) {
  // q: x = sideways, y = forward; tip at y = 0.92, back corners at (+-0.66, -0.72), notch at (0, -0.36)
  float s = abs(q.x);
  if (q.y > 0.92 || q.y < -0.72) return 0.0;
  if (s > 0.66 * (0.92 - q.y) / 1.64) return 0.0;
  if (q.y < -0.36 - 0.5454 * s) return 0.0;
  return 1.0;
}
void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  float r = length(p);
  if (u_halo > 0.5) {
    float ring = smoothstep(0.72, 0.8, r) * (1.0 - smoothstep(0.92, 1.0, r));
    if (ring <= 0.0) discard;
    gl_FragColor = vec4(u_outline, 1.0) * ring;
    return;
  }
  float inner;
  float outer;
  if (v_arrow > 0.5) {
    float c = cos(v_angle);
    float s = sin(v_angle);
    vec2 q = vec2(p.x * c + p.y * s, p.x * s - p.y * c);
    outer = arrow(q);
    inner = arrow(q / 0.74 + vec2(0.0, 0.06));
  } else {
    outer = 1.0 - smoothstep(0.62, 0.7, r);
    inner = 1.0 - smoothstep(0.42, 0.5, r);
  }
  if (outer <= 0.0) discard;
  vec3 col = mix(u_outline, v_color, inner);
  gl_FragColor = vec4(col, 1.0) * outer;
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
