// @module paths
// @requires engine_rng engine_linalg
/*
 * tourlib.paths — the registry of path generators, and GrandTour (twin of src/tourlib/tour/paths
 * and tour/grand_tour.py). Each path is its own file (path_<name>.js) that calls
 * tourlib.paths.register(name, Class); a Class has static fromParams(p) (and, for the random
 * paths, static fromDraws(dim, seed, speed, G0, Q, theta, rng)) and the methods
 *   screenBasisInto(out, t) → out (d×2 row-major)   matrix(t) → Float64Array d*d
 *   rebase(G, t) → this                             params() → plain object (key path = its name)
 * GrandTour(dim, seed, speed, path) draws the shared random numbers (Mulberry32(seed): d² normals →
 * Gram–Schmidt → G0; d² more → Q; ⌊d/2⌋ uniforms θ = 0.5 + u) and hands them to the path.
 * GrandTour.fromParams(p) rebuilds any registered path; a tour delegates to its path.
 */
(function () {
  'use strict';
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.paths) return;
  const L = tl.linalg;
  const registry = {};
  const RANDOM = ['rotation', 'torus'];

  function register(name, cls) {
    cls.pathName = name;
    registry[name] = cls;
  }

  function pathClass(name) {
    if (typeof name !== 'string' || !(name in registry)) {
      throw new RangeError('path must be one of ' + Object.keys(registry).sort().join(', ') + '; got ' + String(name) +
        ' (is its path_<name>.js loaded?).');
    }
    return registry[name];
  }

  function fromParams(p) {
    if (!p || typeof p !== 'object') throw new TypeError('fromParams needs the object returned by tour.params().');
    const name = (p.path === undefined || p.path === null) ? 'rotation' : p.path;
    return pathClass(name).fromParams(p);
  }

  class GrandTour {
    constructor(dim, seed, speed, path) {
      const d = L.checkDim(dim);
      const name = (path === undefined || path === null) ? 'rotation' : path;
      if (RANDOM.indexOf(name) < 0) {
        throw new RangeError("path must be 'rotation' or 'torus' for a random tour; got " + String(path) + '.');
      }
      const R = tl.rng;
      const s = (seed === undefined || seed === null) ? R.drawSeed() : R.checkSeed(seed);
      const sp = speed === undefined ? 1.0 : L.checkSpeed(speed);
      const rng = new R.Mulberry32(s);
      const G0 = L.gramSchmidtRows(rng.normals(d * d), d, d, null);
      const Q = L.gramSchmidtRows(rng.normals(d * d), d, d, null);
      const theta = new Float64Array(Math.floor(d / 2));
      for (let k = 0; k < theta.length; k++) theta[k] = 0.5 + rng.uniform();
      this.pathObject = pathClass(name).fromDraws(d, s, sp, G0, Q, theta, rng);
    }

    static fromPath(obj) {
      const T = Object.create(GrandTour.prototype);
      T.pathObject = obj;
      return T;
    }

    static fromParams(p) {
      return GrandTour.fromPath(fromParams(p));
    }

    get path() { return this.pathObject.constructor.pathName; }
    get dim() { return this.pathObject.dim; }
    get seed() { return this.pathObject.seed === undefined ? null : this.pathObject.seed; }
    get speed() { return this.pathObject.speed; }
    get baseView() { return this.pathObject.baseView; }
    get baseTime() { return this.pathObject.baseTime; }
    get theta() { return this.pathObject.theta || null; }
    get omega() { return this.pathObject.omega || null; }
    get Q() { return this.pathObject.Q || null; }
    get thetaPlanes() { return this.pathObject.thetaPlanes || null; }
    get omegaPlanes() { return this.pathObject.omegaPlanes || null; }
    /** Paths that end (planned, guided) report when; random tours never do. */
    get endTime() { return this.pathObject.endTime === undefined ? Infinity : this.pathObject.endTime; }

    angles(t) {
      if (typeof this.pathObject.angles !== 'function') throw new RangeError('angles() is not defined for path ' + this.path + '.');
      return this.pathObject.angles(t);
    }

    screenBasisInto(out, t) {
      const d = this.dim;
      if (!out || out.length < 2 * d) throw new RangeError('screenBasisInto: out must hold 2·dim = ' + 2 * d + ' numbers.');
      L.checkReal(t, 't');
      return this.pathObject.screenBasisInto(out, t);
    }

    screenBasis(t) {
      return this.screenBasisInto(new Float64Array(2 * this.dim), t);
    }

    matrix(t) {
      L.checkReal(t, 't');
      return this.pathObject.matrix(t);
    }

    rebase(G, t) {
      L.checkView(G, this.dim, 'G');
      this.pathObject.rebase(Float64Array.from(G), L.checkReal(t, 't'));
      return this;
    }

    params() {
      return this.pathObject.params();
    }
  }

  tl.paths = { register, pathClass, fromParams, GrandTour, RANDOM: RANDOM.slice(),
    names: () => Object.keys(registry).sort() };
})();
