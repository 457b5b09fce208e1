// Showing a prediction: the answer, ten probability bars and the 28x28 input.

export class View {
  constructor() {
    this.prediction = document.getElementById('prediction');
    this.preview = document.getElementById('preview');
    this.previewCtx = this.preview.getContext('2d');
    this.latency = document.getElementById('latency');
    /** Below this top probability the answer reads "4 or 9?": the model card's
     * `unsure_below`, chosen by the trainer (`trainer/src/unsure.rs`). */
    this.unsureBelow = 0;
    /** The latest few latencies: one reading can be 0 or a whole ms where the clock is coarse
     * (Firefox rounds performance.now() to 1 ms), their mean is closer to the truth. */
    this.recent = [];
    this.bars = [];
    const list = document.getElementById('bars');
    for (let d = 0; d < 10; d++) {
      const li = document.createElement('li');
      li.className = 'bar';
      li.dataset.testid = `prob-${d}`;
      li.dataset.p = '0';
      li.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span><span class="pct">0%</span>`;
      list.append(li);
      this.bars.push({ li, fill: li.querySelector('.fill'), pct: li.querySelector('.pct') });
    }
  }

  /** The model's threshold for "4 or 9?" answers; also on the answer as data-unsure-below. */
  setUnsureBelow(p) {
    this.unsureBelow = p;
    this.prediction.dataset.unsureBelow = String(p);
  }

  /** @param {Float32Array} probs @param {Float32Array} image @param {number} ms */
  show(probs, image, ms) {
    let top = 0;
    for (let d = 1; d < 10; d++) if (probs[d] > probs[top]) top = d;
    let second = top === 0 ? 1 : 0;
    for (let d = 0; d < 10; d++) if (d !== top && probs[d] > probs[second]) second = d;
    this.bars.forEach((b, d) => {
      const p = probs[d];
      b.li.dataset.p = String(p);
      b.li.classList.toggle('top', d === top);
      b.fill.style.setProperty('--p', p.toFixed(4));
      b.pct.textContent = `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;
    });
    const unsure = probs[top] < this.unsureBelow;
    const text = unsure ? `${top} or ${second}?` : String(top);
    if (this.prediction.textContent !== text) this.prediction.textContent = text;
    this.prediction.classList.toggle('unsure', unsure);
    this.#drawPreview(image);
    this.recent.push(ms);
    if (this.recent.length > 10) this.recent.shift();
    const mean = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    this.latency.textContent = mean.toFixed(2);
  }

  empty() {
    this.bars.forEach((b) => {
      b.li.dataset.p = '0';
      b.li.classList.remove('top');
      b.fill.style.setProperty('--p', '0');
      b.pct.textContent = '0%';
    });
    this.prediction.textContent = '';
    this.prediction.classList.remove('unsure');
    this.#drawPreview(null);
  }

  #drawPreview(image) {
    const img = this.previewCtx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = image ? Math.round(image[i] * 255) : 0;
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    this.previewCtx.putImageData(img, 0, 0);
  }
}
