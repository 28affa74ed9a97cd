"""The project's set-up files agree with each other: requirements, CI command, book configuration."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib

import yaml
from packaging.requirements import Requirement


def _normalise(req: str) -> tuple[str, str]:
    r = Requirement(req)
    return r.name.lower().replace("_", "-"), str(r.specifier)


def _environment_yml_module(repo_root):
    import runpy

    return runpy.run_path(str(repo_root / "scripts" / "environment_yml.py"))


def test_environment_yml_pins_pyproject_requirements_at_the_tested_versions(repo_root):
    """Binder installs what the tests ran with: pyproject's requirements, at constraints.txt's versions."""
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["book"] + project["optional-dependencies"]["live"]
    pins = {_normalise(line)[0]: line.split("==")[1]
            for line in (repo_root / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")}
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section, "environment.yml must install this package"
    assert "-c constraints.txt" in pip_section, "pip must also be held to constraints.txt for indirect requirements"
    pip_reqs = [Requirement(r) for r in pip_section if not r.startswith("-")]
    for r in pip_reqs:
        name = _normalise(str(r))[0]
        assert str(r.specifier) == f"=={pins.get(name)}", f"environment.yml has {r}, constraints.txt pins {name}=={pins.get(name)}"
    # the same packages as pyproject (torch comes from conda-forge, as its CPU-only build)
    torch_pin = next(r for r in wanted if Requirement(r).name == "torch")
    py_names = {_normalise(r)[0] for r in wanted if Requirement(r).name != "torch"}
    assert {_normalise(str(r))[0] for r in pip_reqs} == py_names
    for r in wanted:
        req = Requirement(r)
        assert req.specifier.contains(pins[_normalise(r)[0]]), f"constraints.txt's {req.name} is outside pyproject's {r}"
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    version = str(Requirement(torch_pin).specifier).lstrip("=")
    assert f"pytorch-cpu={version}" in conda, f"environment.yml must pin pytorch-cpu={version} (CPU-only, as pyproject)"
    assert "python=3.11" in conda and "conda-forge" in env["channels"]


def test_environment_yml_is_what_its_generator_writes(repo_root):
    text = _environment_yml_module(repo_root)["render"](repo_root)
    assert (repo_root / "environment.yml").read_text() == text, "run: python scripts/environment_yml.py"


def test_every_installed_requirement_is_pinned_in_constraints(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    lock = {_normalise(line)[0] for line in (repo_root / "constraints.txt").read_text().splitlines() if line}
    missing = [r for r in reqs if _normalise(r)[0] not in lock]
    assert missing == [], f"pin these in constraints.txt: {missing}"


def test_torch_and_jupyter_book_are_pinned(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    assert "torch==2.13.0" in project["dependencies"], "an unpinned torch pulls a multi-GB CUDA build"
    assert not any(Requirement(r).name == "torchvision" for r in project["dependencies"])
    lock = (repo_root / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in lock and "jupyter-book==1.0.4.post1" in lock
    assert all("==" in line for line in lock if line and not line.startswith("#")), "constraints.txt pins exact versions"


def test_ci_runs_the_readme_test_command(repo_root):
    readme = (repo_root / "README.md").read_text()
    commands = re.findall(r"```bash\n(bash scripts/[\w-]+\.sh)", readme)
    assert commands[:2] == ["bash scripts/build-book.sh", "bash scripts/run-tests.sh"], commands
    for command in commands:
        assert (repo_root / command.split()[1]).exists(), f"README names {command}, which does not exist"
    ci = (repo_root / ".ci" / "run").read_text()
    assert "bash scripts/run-tests.sh" in ci


def test_book_configuration_executes_with_cache_and_fails_on_errors(repo_root):
    cfg = yaml.safe_load((repo_root / "_config.yml").read_text())
    ex = cfg["execute"]
    assert ex["execute_notebooks"] == "cache"
    assert ex["allow_errors"] is False
    assert ex["timeout"] >= 600, "training cells need a long per-cell timeout"
    assert "tourlib.sphinxext" in cfg["sphinx"]["extra_extensions"]
    assert cfg["bibtex_bibfiles"] == ["references.bib"] and (repo_root / "references.bib").exists()
    assert cfg["launch_buttons"]["binderhub_url"] and cfg["repository"]["url"]


def test_every_chapter_is_a_myst_notebook_in_the_toc(repo_root):
    toc = yaml.safe_load((repo_root / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for c in toc.get("chapters", [])]
    for f in files:
        path = repo_root / f"{f}.md"
        assert path.exists(), f"_toc.yml names {f}, but {path} is missing"
        assert path.parent.name == "book"
    for chapter in (repo_root / "book").glob("*.md"):
        text = chapter.read_text()
        if "```{code-cell}" in text:
            assert "kernelspec:" in text and "format_name: myst" in text, f"{chapter.name} lacks MyST notebook front matter"


def _fake_checkout(repo_root, tmp_path):
    """A copy of the set-up files with a .venv whose requirements stamp is current (nothing to install)."""
    import hashlib
    import shutil

    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in ("pyproject.toml", "constraints.txt", "postBuild"):
        shutil.copy(repo_root / name, root / name)
    shutil.copy(repo_root / "scripts" / "env.sh", root / "scripts" / "env.sh")
    shutil.copytree(repo_root / "scripts" / "lab", root / "scripts" / "lab")
    venv_bin = root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(sys.executable)
    digest = hashlib.sha256((root / "pyproject.toml").read_bytes() + (root / "constraints.txt").read_bytes())
    (root / ".venv" / ".tourbook-requirements").write_text(digest.hexdigest() + "\n")
    return root


def _bash(script, cwd, env=None):
    import subprocess

    return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_sourcing_env_sh_keeps_the_users_shell_options_and_directory(repo_root, tmp_path):
    root = _fake_checkout(repo_root, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = _bash(f"source {root}/scripts/env.sh; echo rc=$?; echo opts=$-; set -o | grep -E '^(errexit|nounset|pipefail)'; "
              "pwd; echo PATH=$PATH", cwd=elsewhere, env={"TOURBOOK_DATA": "/data"})
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "rc=0" in out
    assert "e" not in out.split("opts=")[1].split()[0] and "u" not in out.split("opts=")[1].split()[0]
    assert re.search(r"errexit\s+off", out) and re.search(r"nounset\s+off", out) and re.search(r"pipefail\s+off", out)
    assert str(elsewhere) in out.splitlines(), "sourcing env.sh must not change directory"
    assert f"PATH={root}/.venv/bin:" in out


def test_a_failing_env_sh_returns_an_error_instead_of_closing_the_shell(repo_root, tmp_path):
    root = _fake_checkout(repo_root, tmp_path)
    import shutil

    shutil.rmtree(root / ".venv")
    r = _bash(f"PYTHON=/nonexistent/python3.11 source {root}/scripts/env.sh; echo still here rc=$?", cwd=tmp_path)
    assert "still here rc=1" in r.stdout, (r.stdout, r.stderr)
    assert "needs Python 3.11" in r.stderr


def test_postbuild_installs_the_notebook_settings_without_conda(repo_root, tmp_path):
    root = _fake_checkout(repo_root, tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "NB_PYTHON_PREFIX", "VIRTUAL_ENV")}
    import subprocess

    for extra, prefix in (({"NB_PYTHON_PREFIX": str(tmp_path / "binder")}, tmp_path / "binder"), ({}, root / ".venv")):
        r = subprocess.run(["bash", str(root / "postBuild")], cwd=tmp_path, capture_output=True, text=True,
                           env={**env, **extra})
        assert r.returncode == 0, r.stderr
        overrides = json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text())
        viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
        assert viewers["markdown"] == "Jupytext Notebook"
        assert (prefix / "etc/jupyter/jupyter_server_config.py").read_text() == \
            (repo_root / "scripts/lab/jupyter_server_config.py").read_text()


def test_lab_script_applies_the_same_settings_as_postbuild(repo_root):
    lab = (repo_root / "scripts" / "lab.sh").read_text()
    post = (repo_root / "postBuild").read_text()
    for path in ("scripts/lab/settings/overrides.json", "scripts/lab/jupyter_server_config.py"):
        assert path in post
    assert "scripts/lab${JUPYTER_CONFIG_PATH" in lab and "scripts/lab/settings" in lab
    assert "source scripts/env.sh" in lab and "exec jupyter lab" in lab
