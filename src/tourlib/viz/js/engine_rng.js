// @module engine_rng
// @requires
/*
 * tourlib.rng — the seeded generator shared bit for bit with Python (src/tourlib/tour/rng.py).
 * mulberry32: uint32 outputs; 53-bit uniforms in [0, 1) from two outputs; Box–Muller normals in
 * pairs (an odd count drops the last z₂). Seeds are integers in [0, 2**32).
 * Every tourlib file adds to the one namespace globalThis.tourlib and does nothing if its part is
 * there already, so sending a file to a page twice is harmless.
 */
(function () {
  'use strict';
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.rng) return;

  const WEYL = 0x6D2B79F5;
  const TWO_POW_26 = 67108864;
  const TWO_POW_53 = 9007199254740992;

  function checkSeed(seed) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
      throw new RangeError('seed must be an integer in [0, 2**32); got ' + String(seed) +
        '. Pass e.g. 0, or leave it undefined to draw one.');
    }
    return seed;
  }

  function drawSeed() {
    return Math.floor(Math.random() * 4294967296);
  }

  class Mulberry32 {
    constructor(seed) {
      this.seed = checkSeed(seed);
      this.state = this.seed | 0;
    }

    nextUint32() {
      this.state = (this.state + WEYL) | 0;
      const a = this.state;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t = t ^ (t + Math.imul(t ^ (t >>> 7), t | 61));
      return (t ^ (t >>> 14)) >>> 0;
    }

    uniform() {
      const hi = this.nextUint32() >>> 5;
      const lo = this.nextUint32() >>> 6;
      return (hi * TWO_POW_26 + lo) / TWO_POW_53;
    }

    normals(n) {
      const out = new Float64Array(n);
      for (let k = 0; k < n; k += 2) {
        const u1 = this.uniform();
        const u2 = this.uniform();
        const r = Math.sqrt(-2 * Math.log(1 - u1));
        const ang = 2 * Math.PI * u2;
        out[k] = r * Math.cos(ang);
        if (k + 1 < n) out[k + 1] = r * Math.sin(ang);
      }
      return out;
    }
  }

  tl.rng = { Mulberry32, checkSeed, drawSeed };
})();
