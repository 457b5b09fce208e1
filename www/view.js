// Showing a prediction: the answer, ten probability bars and the 28x28 input. Each bar's digit is
// also the button that teaches the page that the drawing was that digit.

export class View {
  /** @param {(digit: number) => void} onTeach called with the digit a person says they drew */
  constructor(onTeach) {
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
      li.innerHTML = `<button type="button" class="digit" data-testid="teach-${d}" aria-label="It was a ${d}: teach it" title="It was a ${d}: teach it" disabled>${d}</button><span class="track"><span class="fill"></span></span><span class="pct">0%</span>`;
      const teach = li.querySelector('button');
      teach.addEventListener('click', () => onTeach(d));
      list.append(li);
      this.bars.push({ li, teach, fill: li.querySelector('.fill'), pct: li.querySelector('.pct') });
    }
  }

  /**
   * The personal model's status line (see personal.js `status()`): `data-examples` is how many
   * examples the model in use learned from (0 while the shipped one is, `inUse` false),
   * `data-training` whether a fine-tune runs.
   */
  showPersonal({ examples, learned, training, progress, note, unsaved }, minExamples, inUse) {
    const line = document.getElementById('personal');
    const bar = document.getElementById('personal-progress');
    line.dataset.examples = String(learned && inUse ? learned.examples : 0);
    line.dataset.saved = String(examples);
    line.dataset.training = String(training);
    line.dataset.learnMs = learned ? String(Math.round(learned.ms)) : '';
    bar.hidden = !training;
    bar.value = progress;
    document.getElementById('reset-personal').hidden = examples === 0;
    document.getElementById('undo-teach').hidden = examples === 0;
    const parts = [];
    if (training) {
      parts.push(`Learning your handwriting from ${plural(examples, 'example')}\u2026`);
    } else if (learned) {
      const { own, holdout } = learned.scores;
      const pct = (n) => `${((100 * n) / holdout.total).toFixed(1)}%`;
      parts.push(`Personal model in use, learned from ${learned.examples} of your examples in ${(learned.ms / 1000).toFixed(1)} s:` +
        ` it reads ${own.after} of them right (the shipped model: ${own.before});` +
        ` MNIST check ${pct(holdout.after)} (shipped: ${pct(holdout.before)}).`);
    } else if (examples > 0) {
      const more = minExamples - examples;
      parts.push(`${plural(examples, 'example')} saved` + (more > 0 ? `; ${more} more and it learns your handwriting.` : '.'));
    }
    if (note) parts.push(note);
    if (unsaved && examples > 0) parts.push(`Not kept after this visit: ${unsaved}.`);
    const text = parts.join(' ');
    const span = document.getElementById('personal-text');
    if (span.textContent !== text) span.textContent = text;
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
      b.teach.disabled = false;
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
      b.teach.disabled = true; // nothing drawn, nothing to teach
    });
    this.prediction.textContent = '';
    this.prediction.classList.remove('unsure');
    this.#drawPreview(null);
  }

  #drawPreview(image) {
    // The preview canvas is the model's input size (index.html).
    const { width, height } = this.previewCtx.canvas;
    const img = this.previewCtx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = image ? Math.round(image[i] * 255) : 0;
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    this.previewCtx.putImageData(img, 0, 0);
  }
}

function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}
