"""The project's set-up files agree with each other: requirements, CI command, book configuration."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement


def _normalise(req: str) -> tuple[str, str]:
    r = Requirement(req)
    return r.name.lower().replace("_", "-"), str(r.specifier)


def test_environment_yml_pip_section_matches_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["book"] + project["optional-dependencies"]["live"]
    env = yaml.safe_load((repo_root / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section or "." in pip_section, "environment.yml must install this package"
    pip_reqs = {_normalise(r) for r in pip_section if not r.startswith(("-e", "."))}
    # torch comes from conda-forge (CPU build) in environment.yml, at the version pyproject pins.
    torch_pin = next(r for r in wanted if Requirement(r).name == "torch")
    py_reqs = {_normalise(r) for r in wanted if Requirement(r).name != "torch"}
    assert pip_reqs == py_reqs, f"only in environment.yml: {pip_reqs - py_reqs}; only in pyproject: {py_reqs - pip_reqs}"
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    version = str(Requirement(torch_pin).specifier).lstrip("=")
    assert f"pytorch-cpu={version}" in conda, f"environment.yml must pin pytorch-cpu={version} (CPU-only, as pyproject)"
    assert "conda-forge" in env["channels"]


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
    assert commands == ["bash scripts/build-book.sh", "bash scripts/run-tests.sh"], commands
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
