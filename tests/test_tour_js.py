"""The JavaScript engine (src/tourlib/viz/js/tour_engine.js) agrees with Python, run in Node.

The test writes its inputs to JSON, runs a small Node driver that loads the engine's modules (the
files of ``js_bundle(ENGINE_MODULES)``, in the order a page loads them, through
``tests/js/load_engine.js``), and compares every result with tourlib.tour to 1e-9.
"""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import ortho_group

from tourlib.tour import GrandTour, Mulberry32, drag_axis, drag_centroid

from tourlib.viz.embed import js_bundle

LOADER = Path(__file__).resolve().parent / "js" / "load_engine.js"
ENGINE_MODULES = ["paths", "path_rotation", "path_torus", "path_planned", "path_guided", "engine_manipulate"]


def engine_files() -> str:
    return json.dumps([str(p) for p in js_bundle(ENGINE_MODULES)])
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js (`node`) is not installed; the JS engine cannot be run")
TOL = 1e-9
#: (dim, seed, speed) of the torus-path cases: several seeds in d = 2, 3, 5, 8.
TORUS_CASES = [(2, 1, 1.0), (2, 2**32 - 1, 0.7), (3, 7, 0.5), (3, 12345, 1.0), (5, 123, 1.3), (5, 0, 2.0),
               (8, 99, 1.0), (8, 2**31, 0.6)]

DRIVER = r"""
const fs = require('fs');
const TE = require(process.argv[2])(JSON.parse(process.argv[4]));
const inp = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const arr = (a) => Array.from(a);
const out = {tours: [], dragAxis: [], dragCentroid: [], errors: {}};

const g = new TE.Mulberry32(inp.rng.seed);
out.uint32 = []; for (let k = 0; k < 10; k++) out.uint32.push(g.nextUint32());
out.uniforms = []; for (let k = 0; k < 5; k++) out.uniforms.push(g.uniform());
out.normals = arr(g.normals(7));

for (const c of inp.tours) {
  const T = new TE.GrandTour(c.dim, c.seed, c.speed);
  const P = TE.GrandTour.fromParams(c.params);
  const R = new TE.GrandTour(c.dim, c.seed, c.speed).rebase(Float64Array.from(c.rebaseG), c.rebaseT);
  out.tours.push({
    params: T.params(),
    matrix: c.times.map((t) => arr(T.matrix(t))),
    screen: c.times.map((t) => arr(T.screenBasis(t))),
    fromParams: c.times.map((t) => arr(P.matrix(t))),
    fromParamsScreen: c.times.map((t) => arr(P.screenBasis(t))),
    rebased: c.times.map((t) => arr(R.matrix(t))),
  });
}
out.torus = [];
for (const c of inp.torusTours) {
  const T = new TE.GrandTour(c.dim, c.seed, c.speed, 'torus');
  const P = TE.GrandTour.fromParams(c.params);
  const R = new TE.GrandTour(c.dim, c.seed, c.speed, 'torus').rebase(Float64Array.from(c.rebaseG), c.rebaseT);
  const buf = new Float64Array(2 * c.dim);
  out.torus.push({
    params: T.params(),
    path: T.path,
    angles: arr(T.angles(c.times[2])),
    matrix: c.times.map((t) => arr(T.matrix(t))),
    screen: c.times.map((t) => arr(T.screenBasis(t))),
    screenInto: c.times.map((t) => arr(T.screenBasisInto(buf, t))),
    fromParams: c.times.map((t) => arr(P.matrix(t))),
    fromParamsScreen: c.times.map((t) => arr(P.screenBasis(t))),
    rebased: c.times.map((t) => arr(R.matrix(t))),
    rebasedScreen: c.times.map((t) => arr(R.screenBasis(t))),
  });
}
// parameters saved before `path` existed mean the rotation path
out.noPath = inp.tours.map((c) => {
  const p = Object.assign({}, c.params);
  delete p.path;
  const T = TE.GrandTour.fromParams(p);
  return {path: T.path, matrix: arr(T.matrix(c.times[1]))};
});

for (const c of inp.dragAxis) out.dragAxis.push(arr(TE.dragAxis(Float64Array.from(c.G), c.d, c.i, c.dx, c.dy)));
for (const c of inp.dragCentroid) out.dragCentroid.push(arr(TE.dragCentroid(Float64Array.from(c.G), c.d, c.c, c.dx, c.dy)));

// projectInto
const pj = inp.project;
const X = Float32Array.from(pj.X);
const res = new Float32Array(2 * pj.n);
TE.projectInto(res, X, pj.n, pj.d, Float64Array.from(pj.B));
out.project = arr(res);

// drift: 10^4 alternating drags with rebase, then the 10^6-th frame
{
  const d = 6, dt = 1 / 60;
  const T = new TE.GrandTour(d, 77, 1.0);
  const r = new TE.Mulberry32(99);
  let t = 0, worst = 0, G = null;
  for (let k = 0; k < 10000; k++) {
    t += dt;
    G = T.matrix(t);
    const z = r.normals(2 + d);
    const dx = 0.05 * z[0], dy = 0.05 * z[1];
    G = (k % 2 === 0) ? TE.dragAxis(G, d, k % d, dx, dy) : TE.dragCentroid(G, d, z.subarray(2), dx, dy);
    T.rebase(G, t);
    if (k % 97 === 0) worst = Math.max(worst, TE.orthogonalityError(G, d));
  }
  worst = Math.max(worst, TE.orthogonalityError(T.matrix(t), d));
  const far = T.matrix(t + 1e6 * dt);
  out.drift = {worst: worst, far: TE.orthogonalityError(far, d)};
  const fresh = new TE.GrandTour(16, 3, 1.0);
  out.frames = [0, 1, 999999, 1000000].map((k) => TE.orthogonalityError(fresh.matrix(k / 60), 16));
}
// the same for the torus path
{
  const d = 6, dt = 1 / 60;
  const T = new TE.GrandTour(d, 77, 1.0, 'torus');
  const r = new TE.Mulberry32(99);
  let t = 0, worst = 0, G = null;
  for (let k = 0; k < 10000; k++) {
    t += dt;
    G = T.matrix(t);
    const z = r.normals(2 + d);
    const dx = 0.05 * z[0], dy = 0.05 * z[1];
    G = (k % 2 === 0) ? TE.dragAxis(G, d, k % d, dx, dy) : TE.dragCentroid(G, d, z.subarray(2), dx, dy);
    T.rebase(G, t);
    if (k % 97 === 0) worst = Math.max(worst, TE.orthogonalityError(G, d));
  }
  worst = Math.max(worst, TE.orthogonalityError(T.matrix(t), d));
  const far = T.matrix(t + 1e6 * dt);
  const farB = T.screenBasis(t + 1e6 * dt);
  let bErr = 0;
  for (let j = 0; j < d; j++) {
    bErr = Math.max(bErr, Math.abs(farB[2 * j] - far[j * d]), Math.abs(farB[2 * j + 1] - far[j * d + 1]));
  }
  out.torusDrift = {worst: worst, far: TE.orthogonalityError(far, d), screenVsMatrix: bErr};
  const fresh = new TE.GrandTour(16, 3, 1.0, 'torus');
  out.torusFrames = [0, 1, 999999, 1000000].map((k) => TE.orthogonalityError(fresh.matrix(k / 60), 16));
}

// errors and a drawn seed
const tryMsg = (f) => { try { f(); return null; } catch (e) { return e.name + ': ' + e.message; } };
const I3 = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
out.errors.index = tryMsg(() => TE.dragAxis(I3, 3, 3, 0, 0));
out.errors.notOrth = tryMsg(() => TE.dragAxis(Float64Array.from([1, 1, 0, 0, 1, 0, 0, 0, 1]), 3, 0, 0, 0));
out.errors.nan = tryMsg(() => TE.dragCentroid(I3, 3, [NaN, 0, 0], 1, 0));
out.errors.cShape = tryMsg(() => TE.dragCentroid(I3, 3, [1, 0], 1, 0));
out.errors.dim = tryMsg(() => new TE.GrandTour(1, 0, 1));
out.errors.seed = tryMsg(() => new TE.GrandTour(3, -1, 1));
out.errors.rebase = tryMsg(() => new TE.GrandTour(3, 0, 1).rebase(Float64Array.from([2, 0, 0, 0, 1, 0, 0, 0, 1]), 0));
out.errors.path = tryMsg(() => new TE.GrandTour(3, 0, 1, 'spiral'));
{
  const p = new TE.GrandTour(4, 0, 1, 'torus').params();
  const q = Object.assign({}, p); delete q.theta_planes;
  out.errors.torusMissing = tryMsg(() => TE.GrandTour.fromParams(q));
  const w = Object.assign({}, p, {theta_planes: [1, 1]});
  out.errors.torusLength = tryMsg(() => TE.GrandTour.fromParams(w));
}
out.errors.project = tryMsg(() => TE.projectInto(new Float32Array(2), new Float32Array(6), 3, 2, new Float64Array(4)));
const drawn = new TE.GrandTour(4);
out.drawnSeed = drawn.seed;
out.drawnMatrix = arr(drawn.matrix(1.5));
process.stdout.write(JSON.stringify(out));
"""


def flat(a):
    return np.asarray(a, dtype=np.float64).ravel().tolist()


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    """Inputs, and the Node driver's outputs for them."""
    tmp = tmp_path_factory.mktemp("tour_js")
    times = [0.0, 0.4, 13.7, -3.0, 1e6 / 60]
    tours = []
    for dim, seed, speed in [(2, 1, 1.0), (3, 7, 0.5), (4, 123, 1.3), (5, 2**32 - 1, 2.0), (8, 0, 1.0), (11, 99, 0.7)]:
        other = GrandTour(dim, seed=seed + 1 if seed < 2**32 - 1 else 5, speed=speed)
        other.rebase(other.matrix(2.0), 2.0)                     # params of a rebased tour (t0 != 0)
        G = ortho_group.rvs(dim, random_state=seed % 1000)
        tours.append(dict(dim=dim, seed=seed, speed=speed, times=times, params=other.params(),
                          rebaseG=flat(G), rebaseT=5.0, _other=other, _G=G))
    rng = np.random.default_rng(0)
    axis, centroid = [], []
    for d in [2, 3, 4, 5, 7, 10]:
        for k in range(3):
            G = ortho_group.rvs(d, random_state=10 * d + k)
            i = int(rng.integers(d))
            dx, dy = rng.normal(scale=0.4, size=2)
            axis.append(dict(G=flat(G), d=d, i=i, dx=dx, dy=dy))
            c = rng.normal(size=d)
            dx, dy = rng.normal(scale=0.8 * np.linalg.norm(c), size=2)
            centroid.append(dict(G=flat(G), d=d, c=c.tolist(), dx=dx, dy=dy))
    torus = []
    for dim, seed, speed in TORUS_CASES:
        other = GrandTour(dim, seed=(seed + 1) % 2**32, speed=speed, path="torus")
        other.rebase(other.matrix(2.0), 2.0)                     # params of a rebased torus tour (t0 != 0)
        G = ortho_group.rvs(dim, random_state=seed % 997)
        torus.append(dict(dim=dim, seed=seed, speed=speed, times=times, params=other.params(),
                          rebaseG=flat(G), rebaseT=5.0, _other=other, _G=G))
    n, d = 37, 9
    X = rng.normal(size=(n, d)).astype(np.float32)
    B = GrandTour(d, seed=4).screen_basis(0.3)
    inp = dict(rng=dict(seed=2**31 + 5), tours=[{k: v for k, v in t.items() if not k.startswith("_")} for t in tours],
               torusTours=[{k: v for k, v in t.items() if not k.startswith("_")} for t in torus],
               dragAxis=axis, dragCentroid=centroid, project=dict(X=X.ravel().tolist(), n=n, d=d, B=flat(B)))
    (tmp / "in.json").write_text(json.dumps(inp))
    (tmp / "driver.js").write_text(DRIVER)
    run = subprocess.run([NODE, str(tmp / "driver.js"), str(LOADER), str(tmp / "in.json"), engine_files()],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return dict(inp=inp, tours=tours, torus=torus, X=X, B=B, out=json.loads(run.stdout))


def test_generator_streams_match(js):
    g = Mulberry32(js["inp"]["rng"]["seed"])
    assert js["out"]["uint32"] == g.uint32s(10).tolist()          # integers: bit for bit
    assert np.array_equal(js["out"]["uniforms"], g.uniforms(5))    # exact dyadic doubles
    assert np.allclose(js["out"]["normals"], g.normals(7), rtol=0, atol=1e-14)


def test_same_seed_gives_the_same_tour(js):
    for case, res in zip(js["tours"], js["out"]["tours"]):
        tour = GrandTour(case["dim"], seed=case["seed"], speed=case["speed"])
        p = tour.params()
        assert res["params"]["dim"] == p["dim"] and res["params"]["seed"] == p["seed"]
        for key in ("G0", "Q", "theta"):
            assert np.allclose(res["params"][key], p[key], atol=TOL), key
        for t, M, B in zip(case["times"], res["matrix"], res["screen"]):
            d = case["dim"]
            assert np.allclose(np.reshape(M, (d, d)), tour.matrix(t), atol=TOL)
            assert np.allclose(np.reshape(B, (d, 2)), tour.screen_basis(t), atol=TOL)


def test_params_have_the_same_keys_in_both_languages(js):
    for case, res in zip(js["tours"], js["out"]["tours"]):
        assert set(res["params"]) == set(GrandTour(case["dim"], seed=case["seed"]).params())
        assert res["params"]["path"] == "rotation"
    for case, res in zip(js["torus"], js["out"]["torus"]):
        assert set(res["params"]) == set(GrandTour(case["dim"], seed=case["seed"], path="torus").params())
        assert res["params"]["path"] == res["path"] == "torus"


def test_params_without_path_mean_rotation_in_js(js):
    for case, res in zip(js["tours"], js["out"]["noPath"]):
        d = case["dim"]
        assert res["path"] == "rotation"
        assert np.allclose(np.reshape(res["matrix"], (d, d)), case["_other"].matrix(case["times"][1]), atol=TOL)


def test_same_seed_gives_the_same_torus_tour(js):
    for case, res in zip(js["torus"], js["out"]["torus"]):
        d = case["dim"]
        tour = GrandTour(d, seed=case["seed"], speed=case["speed"], path="torus")
        p = tour.params()
        assert res["params"]["dim"] == p["dim"] and res["params"]["seed"] == p["seed"]
        assert np.array_equal(res["params"]["theta_planes"], p["theta_planes"])     # exact dyadic uniforms
        assert np.allclose(res["params"]["G0"], p["G0"], atol=TOL)
        assert np.allclose(res["angles"], tour.angles(case["times"][2]), atol=TOL)
        for t, M, B, Bi in zip(case["times"], res["matrix"], res["screen"], res["screenInto"]):
            assert np.allclose(np.reshape(M, (d, d)), tour.matrix(t), atol=TOL)
            assert np.allclose(np.reshape(B, (d, 2)), tour.screen_basis(t), atol=TOL)
            assert B == Bi


def test_torus_from_params_and_rebase_match(js):
    for case, res in zip(js["torus"], js["out"]["torus"]):
        d, other = case["dim"], case["_other"]
        rebased = GrandTour(d, seed=case["seed"], speed=case["speed"], path="torus").rebase(case["_G"], case["rebaseT"])
        for t, M, B, R, RB in zip(case["times"], res["fromParams"], res["fromParamsScreen"], res["rebased"],
                                  res["rebasedScreen"]):
            assert np.allclose(np.reshape(M, (d, d)), other.matrix(t), atol=TOL)
            assert np.allclose(np.reshape(B, (d, 2)), other.screen_basis(t), atol=TOL)
            assert np.allclose(np.reshape(R, (d, d)), rebased.matrix(t), atol=TOL)
            assert np.allclose(np.reshape(RB, (d, 2)), rebased.screen_basis(t), atol=TOL)


def test_from_params_and_rebase_match(js):
    for case, res in zip(js["tours"], js["out"]["tours"]):
        d, other = case["dim"], case["_other"]
        rebased = GrandTour(d, seed=case["seed"], speed=case["speed"]).rebase(case["_G"], case["rebaseT"])
        for t, M, B, R in zip(case["times"], res["fromParams"], res["fromParamsScreen"], res["rebased"]):
            assert np.allclose(np.reshape(M, (d, d)), other.matrix(t), atol=TOL)
            assert np.allclose(np.reshape(B, (d, 2)), other.screen_basis(t), atol=TOL)
            assert np.allclose(np.reshape(R, (d, d)), rebased.matrix(t), atol=TOL)


def test_drags_match(js):
    for c, res in zip(js["inp"]["dragAxis"], js["out"]["dragAxis"]):
        G, d = np.reshape(c["G"], (c["d"], c["d"])), c["d"]
        assert np.allclose(np.reshape(res, (d, d)), drag_axis(G, c["i"], [c["dx"], c["dy"]]), atol=TOL)
    for c, res in zip(js["inp"]["dragCentroid"], js["out"]["dragCentroid"]):
        G, d = np.reshape(c["G"], (c["d"], c["d"])), c["d"]
        assert np.allclose(np.reshape(res, (d, d)), drag_centroid(G, c["c"], [c["dx"], c["dy"]]), atol=TOL)


def test_project_into_matches(js):
    expected = js["X"].astype(np.float64) @ js["B"]
    assert np.allclose(np.reshape(js["out"]["project"], (-1, 2)), expected, atol=1e-5)   # Float32 output


def test_js_does_not_drift(js):
    assert js["out"]["drift"]["worst"] <= 1e-9
    assert js["out"]["drift"]["far"] <= 1e-9
    assert max(js["out"]["frames"]) <= 1e-9


def test_js_torus_does_not_drift(js):
    drift = js["out"]["torusDrift"]
    assert drift["worst"] <= 1e-9 and drift["far"] <= 1e-9 and drift["screenVsMatrix"] <= 1e-12
    assert max(js["out"]["torusFrames"]) <= 1e-9


def test_js_errors_name_the_problem(js):
    e = js["out"]["errors"]
    assert e["index"].startswith("RangeError") and "out of range for d = 3" in e["index"]
    assert "not orthogonal" in e["notOrth"]
    assert "NaN" in e["nan"]
    assert "c must be a point in the 3-dimensional data space" in e["cShape"]
    assert "dim must be an integer >= 2" in e["dim"]
    assert "seed must be an integer in [0, 2**32)" in e["seed"]
    assert "not orthogonal" in e["rebase"]
    assert "projectInto: need out.length >= 2n" in e["project"]
    assert e["path"].startswith("RangeError") and "path must be 'rotation' or 'torus'" in e["path"]
    assert 'missing the key "theta_planes"' in e["torusMissing"]
    assert "params.theta_planes must be 6 coordinate-plane speeds" in e["torusLength"]


def test_js_drawn_seed_is_stored_and_reproducible_in_python(js):
    seed = js["out"]["drawnSeed"]
    assert isinstance(seed, int) and 0 <= seed < 2**32
    assert np.allclose(np.reshape(js["out"]["drawnMatrix"], (4, 4)), GrandTour(4, seed=seed).matrix(1.5), atol=TOL)
