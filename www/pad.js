// The drawing pad: pointer input (mouse, touch, pen) into strokes, drawn smoothly.
// Strokes are kept in CSS pixels; the canvas backing store follows devicePixelRatio. The pad is
// square on a phone and wider where the screen allows, for whole numbers: its height sets the
// brush, so a digit looks the same on either.

/** Brush diameter as a share of the pad's height. */
const BRUSH_SHARE = 0.055;

export class Pad {
  /** @param {HTMLCanvasElement} canvas @param {() => void} onChange */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.onChange = onChange;
    /** @type {Array<Array<[number, number]>>} */
    this.strokes = [];
    this.active = null; // pointerId of the stroke being drawn
    /** The pad's size in CSS pixels (`side` is its height). */
    this.side = 0;
    this.width = 0;
    this.#listen();
    this.resize();
  }

  get brush() {
    return Math.max(4, this.side * BRUSH_SHARE);
  }

  get isEmpty() {
    return this.strokes.length === 0;
  }

  /** Flat strokes for the preprocessing: x,y pairs, each stroke's end index, brush. */
  flat() {
    let n = 0;
    for (const s of this.strokes) n += s.length;
    const xy = new Float32Array(n * 2);
    const ends = new Uint32Array(this.strokes.length);
    let i = 0;
    this.strokes.forEach((s, k) => {
      for (const [x, y] of s) { xy[i++] = x; xy[i++] = y; }
      ends[k] = i / 2;
    });
    return { xy, ends, brush: this.brush };
  }

  clear() {
    if (this.isEmpty && this.active === null) return;
    this.strokes = [];
    this.active = null;
    this.#changed();
  }

  undo() {
    if (this.isEmpty) return;
    this.strokes.pop();
    this.active = null;
    this.#changed();
  }

  /** Fits the backing store to the element's size and the screen's pixel density. */
  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const width = Math.round(rect.width) || 280;
    const side = Math.round(rect.height) || width;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    if (this.side && (side !== this.side || width !== this.width)) {
      // Keep the drawing where it was, relative to the pad's height and middle.
      const k = side / this.side;
      const dx = width / 2 - (this.width / 2) * k;
      this.strokes = this.strokes.map((s) => s.map(([x, y]) => [x * k + dx, y * k]));
    }
    this.side = side;
    this.width = width;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(side * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.draw();
  }

  draw() {
    const { ctx, side, width } = this;
    ctx.clearRect(0, 0, width, side);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = this.brush;
    ctx.strokeStyle = ctx.fillStyle = getComputedStyle(this.canvas).color || '#111';
    for (const s of this.strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0][0], s[0][1], this.brush / 2, 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      // Quadratic curves through the midpoints: smooth, and still passing near every sample.
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (let i = 1; i < s.length - 1; i++) {
        const [x, y] = s[i];
        const [nx, ny] = s[i + 1];
        ctx.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
      }
      const last = s[s.length - 1];
      ctx.lineTo(last[0], last[1]);
      ctx.stroke();
    }
  }

  #changed() {
    this.draw();
    this.onChange();
  }

  #point(e) {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  #listen() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (this.active !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
      e.preventDefault();
      c.setPointerCapture(e.pointerId);
      this.active = e.pointerId;
      this.strokes.push([this.#point(e)]);
      this.#changed();
    });
    c.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.active) return;
      e.preventDefault();
      const stroke = this.strokes[this.strokes.length - 1];
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      for (const ev of events.length ? events : [e]) {
        const p = this.#point(ev);
        const q = stroke[stroke.length - 1];
        // Skip sub-pixel jitter: it adds points, not shape.
        if (Math.hypot(p[0] - q[0], p[1] - q[1]) >= 0.75) stroke.push(p);
      }
      this.#changed();
    });
    const end = (e) => {
      if (e.pointerId !== this.active) return;
      this.active = null;
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('lostpointercapture', end);
    // No context menu or selection while drawing with a long press.
    c.addEventListener('contextmenu', (e) => e.preventDefault());
  }
}
