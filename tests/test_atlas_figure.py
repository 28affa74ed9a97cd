"""The atlas figure in Python: checked inputs with errors that name the problem, the embedded data
round-trips (icons, cells, attributions, examples), the opacity and level rules agree with the JS."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess

import numpy as np
import pytest
from bokeh.models import Plot
from PIL import Image

from atlas_fake import CLASSES, fake_atlas
from tourlib.viz.atlas_figure import (atlas_bytes, atlas_figure, atlas_grid_figure, atlas_payload, atlas_row, example_choice,
                                      focus_alpha, icon_scale)
from tourlib.viz.embed import js_bundle, js_for_model, standalone_html



@pytest.fixture(scope="module")
def atlas():
    return fake_atlas(sizes=(6, 12, 24), n=2500, S=16, seed=3)


def decode(uri: str) -> np.ndarray:
    head, data = uri.split(",", 1)
    assert head.startswith("data:image/") and head.endswith(";base64")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


def sprite(sheet: np.ndarray, k: int, cols: int, h: int, w: int) -> np.ndarray:
    r, c = divmod(k, cols)
    return sheet[r * h:(r + 1) * h, c * w:(c + 1) * w]


# ------------------------------------------------------------------------------------ validation

def test_mismatched_lengths_are_named(atlas):
    grids, icons, *_ = atlas
    with pytest.raises(ValueError, match="one icon array per grid: 3 grids but 2"):
        atlas_figure(grids, icons[:2], class_names=CLASSES)
    with pytest.raises(ValueError, match=r"icons\[1\] has \d+ icons but grids\[1\] has \d+ kept cells"):
        atlas_figure(grids, [icons[0], icons[1][:-1], icons[2]], class_names=CLASSES)
    with pytest.raises(ValueError, match="one column per class name"):
        atlas_figure(grids, icons, class_names=CLASSES[:9])


def test_wrong_icon_shapes_and_types_are_named(atlas):
    grids, icons, *_ = atlas
    with pytest.raises(ValueError, match=r"icons\[0\] has shape .*expected M×S×S×3"):
        atlas_figure(grids, [icons[0][..., 0], *icons[1:]], class_names=CLASSES)
    with pytest.raises(ValueError, match=r"icons\[2\] has shape .*square"):
        atlas_figure(grids, [*icons[:2], icons[2][:, :, :-1]], class_names=CLASSES)
    with pytest.raises(ValueError, match="uint8"):
        atlas_figure(grids, [icons[0] / 255.0, *icons[1:]], class_names=CLASSES)
    with pytest.raises(ValueError, match="a list even for one level"):
        atlas_figure(grids[:1], icons[0], class_names=CLASSES)
    with pytest.raises(TypeError, match="not a tourlib.atlas.Grid"):
        atlas_figure([object()], icons[:1], class_names=CLASSES)


def test_levels_go_from_coarse_to_fine(atlas):
    grids, icons, *_ = atlas
    with pytest.raises(ValueError, match="coarse to fine"):
        atlas_figure(grids[::-1], icons[::-1], class_names=CLASSES)


def test_examples_need_matching_images(atlas):
    grids, icons, images, *_ = atlas
    with pytest.raises(ValueError, match="pass images too"):
        atlas_figure(grids, icons, class_names=CLASSES, image_index=np.arange(len(images)))
    with pytest.raises(ValueError, match="pass image_index"):
        atlas_figure(grids, icons, class_names=CLASSES, images=images[:10])
    with pytest.raises(ValueError, match="rows 0…9 of images"):
        atlas_figure(grids, icons, class_names=CLASSES, images=images[:10], image_index=np.arange(len(images)))
    with pytest.raises(ValueError, match="N×h×w×3 uint8"):
        atlas_figure(grids, icons, class_names=CLASSES, images=images[..., 0])
    with pytest.raises(ValueError, match="pair"):
        atlas_figure(grids, icons, class_names=CLASSES, axis_labels=("a", "b", "c"))


def test_grid_figure_checks_its_inputs():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
    icons = rng.integers(0, 255, (4, 4, 8, 8, 3), dtype=np.uint8)
    boxes = np.zeros((4, 4, 4))
    boxes[..., [1, 3]] = 8                  # (y0, y1, x0, x1) = (0, 8, 0, 8)
    att = rng.normal(size=(4, 4, 10))
    atlas_grid_figure(image, icons, boxes, attributions=att, class_names=CLASSES)
    with pytest.raises(ValueError, match="boxes must be H×W×4"):
        atlas_grid_figure(image, icons, boxes[:3], attributions=att, class_names=CLASSES)
    with pytest.raises(ValueError, match="attributions must be H×W×K"):
        atlas_grid_figure(image, icons, boxes, attributions=att[..., :3], class_names=CLASSES)
    bad = boxes.copy()
    bad[0, 0, 1] = 40
    with pytest.raises(ValueError, match="inside the 32×32 image"):
        atlas_grid_figure(image, icons, bad, attributions=att, class_names=CLASSES)
    with pytest.raises(ValueError, match="H×W×S×S×3"):
        atlas_grid_figure(image, icons[0], boxes, attributions=att, class_names=CLASSES)


# ------------------------------------------------------------------------------------ round trips

def test_payload_round_trips_icons_cells_and_attributions(atlas):
    grids, icons, *_ = atlas
    pay = atlas_payload(grids, icons, class_names=CLASSES, icon_format="png")
    assert len(pay["levels"]) == 3 and pay["classes"] == CLASSES
    for g, ic, lev in zip(grids, icons, pay["levels"]):
        M = len(g.cells)
        assert lev["size"] == g.size
        np.testing.assert_array_equal(lev["cells"].reshape(M, 2), g.cells)
        np.testing.assert_array_equal(lev["count"], g.count)
        amax = np.abs(g.mean_attribution).max()
        decoded = lev["attribution"].reshape(M, -1) * lev["attribution_scale"]
        assert np.abs(decoded - g.mean_attribution).max() <= amax / 65534 + 1e-7
        np.testing.assert_array_equal(lev["top"].reshape(M, 3), g.top_classes(3))
        assert np.abs(lev["scale"] / 255 - icon_scale(g.count)).max() <= 0.5 / 255 + 1e-9
        sheet = decode(lev["sheet"])
        S = ic.shape[1]
        for k in (0, M // 2, M - 1):
            np.testing.assert_array_equal(sprite(sheet, k, lev["cols"], S, S), ic[k])   # PNG: lossless


def test_lossy_sheets_stay_close_and_report_their_bytes(atlas):
    grids, icons, *_ = atlas
    pay = atlas_payload(grids, icons, class_names=CLASSES, icon_format="webp", icon_quality=70)
    for ic, lev in zip(icons, pay["levels"]):
        sheet = decode(lev["sheet"])
        S = ic.shape[1]
        err = np.mean([np.abs(sprite(sheet, k, lev["cols"], S, S).astype(float) - ic[k]).mean() for k in range(len(ic))])
        assert err < 12, f"WebP icons differ by {err:.1f} grey levels on average"
        assert lev["bytes"] == len(base64.b64decode(lev["sheet"].split(",", 1)[1]))
    png = atlas_payload(grids, icons, class_names=CLASSES, icon_format="png")
    assert sum(lv["bytes"] for lv in pay["levels"]) < sum(lv["bytes"] for lv in png["levels"])


def test_icons_can_be_stored_smaller(atlas):
    grids, icons, *_ = atlas
    pay = atlas_payload(grids, icons, class_names=CLASSES, icon_px=[None, 8, 12], icon_format="png")
    assert [lv["icon"] for lv in pay["levels"]] == [icons[0].shape[1], 8, 12]
    sheet = decode(pay["levels"][1]["sheet"])
    assert sheet.shape[1] == 8 * pay["levels"][1]["cols"]
    small = sprite(sheet, 0, pay["levels"][1]["cols"], 8, 8).astype(float)
    assert abs(small.mean() - icons[1][0].mean()) < 8                      # the same icon, smaller
    auto = atlas_payload(grids, icons, class_names=CLASSES, icon_format="png")   # ≤ 1,000 icons: kept as given
    assert [lv["icon"] for lv in auto["levels"]] == [ic.shape[1] for ic in icons]
    with pytest.raises(ValueError, match="icon_px has 2 sides for 3 levels"):
        atlas_payload(grids, icons, class_names=CLASSES, icon_px=[8, 8])


def test_examples_are_members_of_their_cell_and_shared_across_levels(atlas):
    grids, icons, images, *_ = atlas
    pay = atlas_payload(grids, icons, class_names=CLASSES, images=images, n_examples=3, max_examples=None,
                        icon_format="png")
    ex = pay["examples"]
    pool = ex["activations"]
    sheet = decode(ex["sheet"])
    for g, lev in zip(grids, pay["levels"]):
        picks = lev["examples"].reshape(len(g.cells), 3)
        for m, row in enumerate(picks):
            chosen = pool[row[row >= 0]]
            assert set(chosen.tolist()) <= set(np.asarray(g.members[m]).tolist())
            # the members with the smallest indices, as many as the cell has (up to 3)
            assert chosen.tolist() == sorted(g.members[m])[:3]
        e = int(picks[0, 0])
        np.testing.assert_array_equal(sprite(sheet, e, ex["cols"], ex["h"], ex["w"]), images[pool[e]])
    # a coarse example that lies in a kept fine cell is one of that cell's examples too: levels share
    fine = pay["levels"][-1]["examples"]
    fine_examples = set(pool[fine[fine >= 0]].tolist())
    kept = set(np.concatenate(grids[-1].members).tolist())
    for lev in pay["levels"][:-1]:
        e = lev["examples"]
        coarse = set(pool[e[e >= 0]].tolist())
        assert coarse & kept <= fine_examples
    assert len(pool) < sum(int((lv["examples"] >= 0).sum()) for lv in pay["levels"])


def test_example_pool_cap_gives_every_cell_one_first(atlas):
    grids, *_ = atlas
    total = sum(len(g.cells) for g in grids)
    pool, per_level = example_choice(grids, 3, max_examples=total)
    assert len(pool) <= total
    for g, picks in zip(grids, per_level):
        assert (picks[:, 0] >= 0).all(), "every cell shows at least one example"
    again, _ = example_choice(grids, 3, max_examples=total)
    np.testing.assert_array_equal(pool, again)                       # deterministic
    small = len(grids[0].cells)
    pool, per_level = example_choice(grids, 3, max_examples=small)   # room for the coarsest level only
    assert len(pool) == small and (per_level[0][:, 0] >= 0).all()


def test_image_index_maps_activations_to_image_rows(atlas):
    grids, icons, images, *_ = atlas
    perm = np.random.default_rng(1).permutation(len(images))
    pay = atlas_payload(grids, icons, class_names=CLASSES, images=images[perm], image_index=np.argsort(perm),
                        n_examples=1, icon_format="png")
    ex = pay["examples"]
    sheet = decode(ex["sheet"])
    a = int(ex["activations"][0])
    np.testing.assert_array_equal(sprite(sheet, 0, ex["cols"], ex["h"], ex["w"]), images[a])


def test_the_page_carries_the_figure_and_declares_its_js(atlas):
    grids, icons, images, *_ = atlas
    fig = atlas_figure(grids, icons, class_names=CLASSES, images=images, title="t", axis_labels=("← a", "b →"))
    assert "atlas_figure" in js_for_model(fig)
    for p in (m for m in fig.references() if isinstance(m, Plot)):
        assert p.toolbar.active_scroll is None and p.toolbar.active_drag is None
    sizes = atlas_bytes(fig)
    print("embedded base64 bytes per level:", sizes["levels"], "examples:", sizes["examples"])
    assert len(sizes["levels"]) == 3 and all(b > 0 for b in sizes["levels"])
    page = standalone_html(fig)
    assert "tourlib.AtlasFigure" in page and "http://" not in page.split("tourlib-bokeh-item", 1)[1][:200]


# ----------------------------------------------------------------------------- JS = Python rules

@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_focus_opacity_and_level_rules_match_the_js(atlas):
    grids, *_ = atlas
    att = np.asarray(grids[1].mean_attribution, dtype=np.float32)
    M, K = att.shape
    loads = "".join(f"require({json.dumps(str(p))});" for p in js_bundle(["atlas_figure"]))
    script = (loads +
              "const A = globalThis.tourlib.AtlasFigure; const a = Float32Array.from(JSON.parse(process.argv[1]));"
              f"const out = {{alpha: [], level: []}};"
              f"for (let c = -1; c < {K}; c++) out.alpha.push(Array.from(A.focusAlpha(a, {M}, {K}, c)));"
              "for (const z of [1, 1.5, 2, 3, 4, 8]) for (const side of [360, 640]) out.level.push(A.levelFor([6, 12, 24], side, z, 44));"
              "console.log(JSON.stringify(out));")
    res = json.loads(subprocess.run(["node", "-e", script, json.dumps(att.ravel().tolist())], capture_output=True,
                                    text=True, check=True).stdout)
    np.testing.assert_allclose(res["alpha"][0], np.ones(M))
    for c in range(K):
        np.testing.assert_allclose(res["alpha"][c + 1], focus_alpha(att, c), atol=1e-6)
    expect = []
    for z in [1, 1.5, 2, 3, 4, 8]:
        for side in [360, 640]:
            ok = [l for l, G in enumerate([6, 12, 24]) if side * z / G >= 44]
            expect.append(max(ok) if ok else 0)
    assert res["level"] == expect


def test_focus_alpha_is_bounded_and_peaks_at_the_strongest_cell(atlas):
    grids, *_ = atlas
    att = grids[2].mean_attribution
    for c in range(att.shape[1]):
        a = focus_alpha(att, c)
        assert a.min() >= 0.06 - 1e-12 and a.max() <= 1 + 1e-12
        assert a[np.argmax(att[:, c])] == pytest.approx(1.0)
        assert np.all(a[att[:, c] <= 0] == pytest.approx(0.06))


def test_atlas_row_lets_its_figures_wrap_below_a_minimum_width():
    grids, icons, images, *_ = fake_atlas(sizes=(4,), n=200, S=8, seed=0)
    figs = [atlas_figure(grids, icons, class_names=CLASSES, size=300) for _ in range(2)]
    r = atlas_row(figs, min_width=250)
    assert r.styles["flex-wrap"] == "wrap" and list(r.children) == figs
    assert all(f.styles["min-width"] == "250px" and f.styles["max-width"] == "300px" for f in figs)
    with pytest.raises(ValueError, match="at least one figure"):
        atlas_row([])
    with pytest.raises(ValueError, match="min_width"):
        atlas_row(figs, min_width=10)
