"""Every path generator gives the same frames in Python and in JavaScript (Node), in-between frames
included; the JS engine refuses huge times and handles hostile drags as Python does."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tourlib.tour import GrandTour, PlannedPath, drag_axis, drag_centroid, guided_tour, orthogonality_error
from tourlib.viz.embed import js_bundle

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js (`node`) is not installed")
LOADER = Path(__file__).resolve().parent / "js" / "load_engine.js"
MODULES = ["paths", "path_rotation", "path_torus", "path_planned", "path_guided", "engine_manipulate"]

DRIVER = r"""
const fs = require('fs');
const TE = require(process.argv[2])(JSON.parse(process.argv[4]));
const inp = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const out = {paths: [], planned: [], errors: {}, drags: []};
for (const c of inp.paths) {
  const T = TE.GrandTour.fromParams(c.params);
  out.paths.push({name: T.path, B: c.times.map((t) => Array.from(T.screenBasis(t))),
                  G: c.times.map((t) => Array.from(T.matrix(t)))});
}
for (const c of inp.planned) {           // built in JS from the same start and target
  const P = new (TE.paths.pathClass('planned'))(Float64Array.from(c.G), Float64Array.from(c.target), c.duration, 0, 'smooth');
  out.planned.push(c.times.map((t) => Array.from(P.screenBasisInto(new Float64Array(2 * c.d), t))));
}
const msg = (f) => { try { f(); return null; } catch (e) { return e.message; } };
const T = new TE.GrandTour(5, 0, 1, 'torus');
out.errors.hugeT = msg(() => T.matrix(1e308));
out.errors.hugeSpeed = msg(() => new TE.GrandTour(4, 0, 1e308));
out.errors.d1 = msg(() => TE.dragAxis(Float64Array.from([1]), 1, 0, 0.1, 0));
out.errors.bigDim = msg(() => new TE.GrandTour(20000, 0, 1));
for (const c of inp.drags) {
  out.drags.push({axis: Array.from(TE.dragAxis(Float64Array.from(c.G), c.d, 1, c.dx, c.dy)),
                  centroid: Array.from(TE.dragCentroid(Float64Array.from(c.G), c.d, c.c, c.dx, c.dy))});
}
console.log(JSON.stringify(out));
"""


def blobs(n=400, d=5, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, d))
    X[:, 1] += 3.0 * y
    X[:, 3] -= 2.5 * (y == 1)
    return X - X.mean(axis=0), y


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paths_js")
    G, H = GrandTour(6, seed=1).matrix(0), GrandTour(6, seed=2).matrix(0)
    X, y = blobs()
    guided = guided_tour(X, y, seed=3, max_steps=8)
    objs = [GrandTour(6, seed=5).path_object, GrandTour(6, seed=5, path="torus").path_object,
            PlannedPath(G, H, duration=0.8, t0=0.2), PlannedPath(G, H[:, :2], duration=0.5, ease="linear"),
            guided]
    cases = []
    for p in objs:
        end = getattr(p, "end_time", 3.0)
        times = np.linspace(0.0, end + 0.3, 23).tolist()           # many in-between frames, and the rest
        cases.append(dict(params=json.loads(json.dumps(p.params())), times=times, obj=p))
    planned = [dict(G=G.ravel().tolist(), target=H.ravel().tolist(), duration=0.7, d=6,
                    times=np.linspace(0, 0.8, 17).tolist())]
    g5 = GrandTour(5, seed=9).matrix(0)
    drags = [dict(G=g5.ravel().tolist(), d=5, c=[1e200] * 5, dx=dx, dy=dy)
             for dx, dy in ((1e308, 0.0), (1e308, 1e308), (0.3, -0.1), (1e200, -1e200))]
    inp = dict(paths=[{k: v for k, v in c.items() if k != "obj"} for c in cases], planned=planned, drags=drags)
    (tmp / "in.json").write_text(json.dumps(inp))
    (tmp / "driver.js").write_text(DRIVER)
    files = json.dumps([str(p) for p in js_bundle(MODULES)])
    run = subprocess.run([NODE, str(tmp / "driver.js"), str(LOADER), str(tmp / "in.json"), files],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return dict(cases=cases, planned=planned, drags=drags, out=json.loads(run.stdout), G=G, H=H)


def test_each_path_gives_the_same_frames_in_python_and_js(js):
    for c, res in zip(js["cases"], js["out"]["paths"]):
        p = c["obj"]
        assert res["name"] == p.name
        for t, B, G in zip(c["times"], res["B"], res["G"]):
            np.testing.assert_allclose(np.reshape(B, (-1, 2)), p.screen_basis(t), atol=1e-9, err_msg=f"{p.name} t={t}")
            np.testing.assert_allclose(np.reshape(G, (p.dim, p.dim)), p.matrix(t), atol=1e-9, err_msg=f"{p.name} t={t}")
            assert orthogonality_error(np.reshape(G, (p.dim, p.dim))) < 1e-9


def test_a_planned_path_built_in_the_page_matches_python_and_ends_at_the_target(js):
    c = js["planned"][0]
    P = PlannedPath(js["G"], js["H"], duration=c["duration"])
    for t, B in zip(c["times"], js["out"]["planned"][0]):
        np.testing.assert_allclose(np.reshape(B, (6, 2)), P.screen_basis(t), atol=1e-9)
    np.testing.assert_allclose(np.reshape(js["out"]["planned"][0][-1], (6, 2)), js["H"][:, :2], atol=1e-12)


def test_js_refuses_what_python_refuses(js):
    e = js["out"]["errors"]
    assert "Rebase the tour" in e["hugeT"]
    assert "speed" in e["hugeSpeed"]
    assert "d >= 2" in e["d1"]
    assert "limit of 4096" in e["bigDim"]


def test_hostile_drags_agree_with_python(js):
    for c, res in zip(js["drags"], js["out"]["drags"]):
        G = np.reshape(c["G"], (5, 5))
        np.testing.assert_allclose(np.reshape(res["axis"], (5, 5)), drag_axis(G, 1, [c["dx"], c["dy"]]), atol=1e-9)
        np.testing.assert_allclose(np.reshape(res["centroid"], (5, 5)), drag_centroid(G, c["c"], [c["dx"], c["dy"]]),
                                   atol=1e-9)
