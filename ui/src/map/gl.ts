// Small WebGL helpers for the custom map layers.

export type GL = WebGLRenderingContext | WebGL2RenderingContext;

export function compile(gl: GL, vertex: string, fragment: string): WebGLProgram {
  const shader = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(s)}`);
    return s;
  };
  const p = gl.createProgram()!;
  gl.attachShader(p, shader(gl.VERTEX_SHADER, vertex));
  gl.attachShader(p, shader(gl.FRAGMENT_SHADER, fragment));
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(p)}`);
  return p;
}

export type Attrib = { name: string; size: number };

/** Binds interleaved float attributes of `program` to the current ARRAY_BUFFER. */
export function bindAttribs(gl: GL, program: WebGLProgram, attribs: readonly Attrib[]): number[] {
  const stride = attribs.reduce((n, a) => n + a.size, 0) * 4;
  let offset = 0;
  const used: number[] = [];
  for (const a of attribs) {
    const loc = gl.getAttribLocation(program, a.name);
    if (loc >= 0) {
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, a.size, gl.FLOAT, false, stride, offset);
      used.push(loc);
    }
    offset += a.size * 4;
  }
  return used;
}

export function unbindAttribs(gl: GL, locs: readonly number[]): void {
  for (const l of locs) gl.disableVertexAttribArray(l);
}

/**
 * `m × translate(ox, oy)` for a column-major 4×4 matrix, computed in float64 before the
 * float32 upload: vertices are sent relative to (ox, oy), so they keep centimetre precision
 * in float32 at street zoom.
 */
export function translated(m: ArrayLike<number>, ox: number, oy: number, out: Float32Array): Float32Array {
  for (let i = 0; i < 12; i++) out[i] = m[i];
  out[12] = m[0] * ox + m[4] * oy + m[12];
  out[13] = m[1] * ox + m[5] * oy + m[13];
  out[14] = m[2] * ox + m[6] * oy + m[14];
  out[15] = m[3] * ox + m[7] * oy + m[15];
  return out;
}

/** Clip-space projection of mercator (x, y) by m, to CSS pixels of a w×h canvas; null if behind. */
export function projectToPixels(m: ArrayLike<number>, x: number, y: number, w: number, h: number): [number, number] | null {
  const cx = m[0] * x + m[4] * y + m[12];
  const cy = m[1] * x + m[5] * y + m[13];
  const cw = m[3] * x + m[7] * y + m[15];
  if (cw <= 0) return null;
  return [((cx / cw + 1) / 2) * w, ((1 - cy / cw) / 2) * h];
}
