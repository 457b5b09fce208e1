// Showing a prediction: the answer (a digit, a whole number whose digits can be selected, or
// "Not a digit"), ten probability bars and the 28x28 inputs. Each bar's digit is also the button that teaches
// the page that the drawing (or the selected digit of a number) was that digit.

export class View {
  /** @param {(digit: number) => void} onTeach called with the digit a person says they drew */
  constructor(onTeach) {
    this.prediction = document.getElementById('prediction');
    this.answerLabel = document.querySelector('.answer-label');
    this.preview = document.getElementById('preview');
    this.previewCtx = this.preview.getContext('2d');
    this.latency = document.getElementById('latency');
    /** Below this top probability the answer reads "4 or 9?": the model card's
     * `unsure_below`, chosen by the trainer (`trainer/src/measure/unsure.rs`). */
    this.unsureBelow = 0;
    /** Above this probability of "not a digit" a drawing is answered so: the model card's
     * `not_a_digit.threshold` (`trainer/src/measure/rejection.rs`); null for a model without that
     * output, which never answers so. */
    this.notDigitAbove = null;
    /** The latest few latencies: one reading can be 0 or a whole ms where the clock is coarse
     * (Firefox rounds performance.now() to 1 ms), their mean is closer to the truth. */
    this.recent = [];
    this.bars = [];
    /** The answer on show: each digit's probabilities and input, left to right. */
    this.rows = [];
    this.images = [];
    /** The digit the bars show and a correction teaches. */
    this.selected = 0;
    /** Digits of this drawing already taught: position -> digit. */
    this.taught = new Map();
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
   * `data-training` whether a fine-tune runs, `data-persistent` whether the browser keeps them
   * when space runs low ("true", "false" or "null": not known).
   */
  showPersonal({ examples, learned, training, progress, note, unsaved, persistent }, minExamples, inUse) {
    const line = document.getElementById('personal');
    const bar = document.getElementById('personal-progress');
    line.dataset.examples = String(learned && inUse ? learned.examples : 0);
    line.dataset.saved = String(examples);
    line.dataset.persistent = String(persistent ?? null);
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
    else if (persistent === false && examples > 0) parts.push('This browser may clear them if the device runs short of space.');
    const text = parts.join(' ');
    const span = document.getElementById('personal-text');
    if (span.textContent !== text) span.textContent = text;
  }

  /** The model's threshold for "4 or 9?" answers; also on the answer as data-unsure-below. */
  setUnsureBelow(p) {
    this.unsureBelow = p;
    this.prediction.dataset.unsureBelow = String(p);
  }

  /** The model's threshold for "Not a digit" (null: it cannot say so); also on the answer as
   * data-not-digit-above. */
  setNotDigitAbove(p) {
    this.notDigitAbove = p;
    if (p === null) delete this.prediction.dataset.notDigitAbove;
    else this.prediction.dataset.notDigitAbove = String(p);
  }

  /**
   * A drawing's answer: each digit's answer (`rows`: ten probabilities, then the probability
   * that it is not a digit at all) and 28x28 input (`images`),
   * left to right, with the time it took. One digit shows as it always has; several show as the
   * number ("472", `data-value`), each digit a button (`digit-K`) that selects it: the bars then
   * show its probabilities and the teach buttons teach its drawing. An unsure digit shows its
   * two candidates in place, as "[7|1]". A drawing that is not a digit reads "Not a digit"
   * (`data-not-digit`), its bars faded; in a number, such a part shows as a cross.
   * @param {Float32Array[]} rows @param {Float32Array[]} images @param {number} ms
   */
  show(rows, images, ms) {
    if (rows.length !== this.rows.length) {
      // A digit added or taken away: the newest writing is usually the rightmost.
      this.selected = rows.length - 1;
    }
    this.rows = rows;
    this.images = images;
    this.#showAnswer();
    this.#showBars(rows[this.selected]);
    this.#drawPreview(images);
    this.recent.push(ms);
    if (this.recent.length > 10) this.recent.shift();
    const mean = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    this.latency.textContent = mean.toFixed(2);
  }

  /** The input of the selected digit: what a correction teaches (null when nothing is drawn). */
  get selectedImage() {
    return this.images[this.selected] ?? null;
  }

  /** Selects the `k`-th digit of the number on show (keyboard or tap on it). */
  select(k) {
    if (k < 0 || k >= this.rows.length || k === this.selected) return;
    this.selected = k;
    this.#showAnswer();
    this.#showBars(this.rows[k]);
  }

  /** Marks the selected digit as taught as `digit` until the drawing changes (`forget`). */
  markTaught(digit) {
    this.taught.set(this.selected, digit);
    this.#showAnswer();
  }

  /** Whether the selected digit was taught already. */
  get selectedTaught() {
    return this.taught.has(this.selected);
  }

  /** The drawing changed: no digit of it has been taught. */
  forget() {
    this.taught.clear();
  }

  empty() {
    this.rows = [];
    this.images = [];
    this.selected = 0;
    this.bars.forEach((b) => {
      b.li.dataset.p = '0';
      b.li.classList.remove('top');
      b.fill.style.setProperty('--p', '0');
      b.pct.textContent = '0%';
      b.teach.disabled = true; // nothing drawn, nothing to teach
    });
    this.prediction.textContent = '';
    delete this.prediction.dataset.value;
    delete this.prediction.dataset.notDigit;
    this.prediction.classList.remove('unsure', 'number', 'not-digit');
    this.bars[0].li.parentElement.classList.remove('faded');
    this.answerLabel.textContent = "It's a";
    this.#drawPreview([]);
  }

  /** The top digit, the runner-up, whether the model is unsure between them, and whether it
   * says the drawing is not a digit at all. */
  #read(probs) {
    let top = 0;
    for (let d = 1; d < 10; d++) if (probs[d] > probs[top]) top = d;
    let second = top === 0 ? 1 : 0;
    for (let d = 0; d < 10; d++) if (d !== top && probs[d] > probs[second]) second = d;
    const notDigit = this.notDigitAbove !== null && probs[10] > this.notDigitAbove;
    return { top, second, p: probs[top], unsure: !notDigit && probs[top] < this.unsureBelow, notDigit };
  }

  #showAnswer() {
    const reads = this.rows.map((p) => this.#read(p));
    const out = this.prediction;
    out.dataset.value = reads.map((r) => r.top).join('');
    // Not a digit when no part of the drawing is one; a number may have a part that is not.
    const notDigit = reads.every((r) => r.notDigit);
    if (notDigit) out.dataset.notDigit = 'true';
    else delete out.dataset.notDigit;
    out.classList.toggle('not-digit', notDigit);
    out.classList.toggle('number', reads.length > 1 && !notDigit);
    const label = notDigit ? '' : reads.length > 1 ? "It's" : "It's a";
    if (this.answerLabel.textContent !== label) this.answerLabel.textContent = label;
    if (reads.length === 1 || notDigit) {
      const { top, second, unsure } = reads[0];
      const text = notDigit ? 'Not a digit' : unsure ? `${top} or ${second}?` : String(top);
      if (out.textContent !== text || out.children.length) out.textContent = text;
      out.classList.toggle('unsure', unsure && !notDigit);
      return;
    }
    out.classList.remove('unsure');
    if (out.children.length !== reads.length) {
      out.replaceChildren(...reads.map((_, k) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'place';
        b.dataset.testid = `digit-${k}`;
        b.addEventListener('click', () => this.select(k));
        return b;
      }));
    }
    reads.forEach(({ top, second, p, unsure, notDigit: not }, k) => {
      const b = out.children[k];
      const text = not ? '\u2715' : String(top);
      if (b.textContent !== text) b.textContent = text;
      b.dataset.digit = String(top);
      b.dataset.p = String(p);
      if (not) b.dataset.notDigit = 'true';
      else delete b.dataset.notDigit;
      b.classList.toggle('not-digit', not);
      b.classList.toggle('unsure', unsure);
      if (unsure) b.dataset.alt = String(second);
      else delete b.dataset.alt;
      const taught = this.taught.get(k);
      if (taught === undefined) delete b.dataset.taught;
      else b.dataset.taught = String(taught);
      b.setAttribute('aria-pressed', String(k === this.selected));
      const pct = `${Math.round(p * 100)}%`;
      const what = not ? 'not a digit' : `${unsure ? `${top} or ${second}` : top}, ${pct}`;
      b.setAttribute('aria-label', `Digit ${k + 1} of ${reads.length}: ${what}` +
        (taught === undefined ? '' : `, taught as ${taught}`));
    });
  }

  #showBars(probs) {
    const { top, notDigit } = this.#read(probs);
    // What the network thought of a drawing it calls no digit: shown, but faded.
    this.bars[0].li.parentElement.classList.toggle('faded', notDigit);
    this.bars.forEach((b, d) => {
      const p = probs[d];
      b.li.dataset.p = String(p);
      b.li.classList.toggle('top', d === top);
      b.fill.style.setProperty('--p', p.toFixed(4));
      b.pct.textContent = `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;
      b.teach.disabled = false;
    });
  }

  /** Each digit's input side by side, as the network sees it (28x28 each). */
  #drawPreview(images) {
    const canvas = this.previewCtx.canvas;
    const side = canvas.height; // the model's input size (index.html)
    const n = Math.max(1, images.length);
    if (canvas.width !== side * n) {
      canvas.width = side * n;
      canvas.style.setProperty('--n', String(n));
    }
    const img = this.previewCtx.createImageData(side * n, side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side * n; x++) {
        const image = images[Math.floor(x / side)];
        const v = image ? Math.round(image[y * side + (x % side)] * 255) : 0;
        const i = (y * side * n + x) * 4;
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
        img.data[i + 3] = 255;
      }
    }
    this.previewCtx.putImageData(img, 0, 0);
  }
}

function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}
