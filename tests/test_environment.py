"""The set-up stays honest: one list of dependencies, README commands = CI commands."""

import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(reqs):
    out = {}
    for req in reqs:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
        out[m.group(1).lower().replace("_", "-")] = m.group(2).replace(" ", "")
    return out


def environment_yml():
    """Parse the simple environment.yml without needing PyYAML."""
    deps, pip, section = [], [], None
    channels = []
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.split("#")[0].rstrip()
        if not stripped:
            continue
        if re.match(r"^\w", stripped):
            section = stripped.rstrip(":")
            continue
        item = stripped.strip()
        if item.startswith("- pip:"):
            section = "pip"
            continue
        if item.startswith("- "):
            value = item[2:].strip()
            if section == "dependencies":
                deps.append(value)
            elif section == "pip":
                pip.append(value)
            elif section == "channels":
                channels.append(value)
    return channels, deps, pip


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = requirement_names(pyproject["project"]["dependencies"])
    channels, deps, pip = environment_yml()
    conda = requirement_names(deps)
    conda.pop("python")
    conda.pop("pip")
    assert conda == runtime, "environment.yml and pyproject.toml list different runtime packages"
    assert channels == ["conda-forge"]
    assert pip == ["-e ."], "environment.yml must install crmlearn from the checkout"


def readme_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- setup -->\s*```bash\n(.*?)```", text, re.S)
    assert block, "README needs the two set-up commands in a ```bash block after <!-- setup -->"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one():
    lab, test = readme_commands()
    assert lab == "python3 workbook.py lab"
    assert test == "python3 workbook.py test"
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    commands = [c for c in ci if not c.startswith(("set ", "cd "))]
    assert commands == [test], f".ci/run must call exactly the README's test command, got {commands}"


def test_lab_binds_localhost_with_a_token():
    src = (ROOT / "workbook.py").read_text()
    assert "--ServerApp.ip=127.0.0.1" in src
    assert "--IdentityProvider.token=" in src and "secrets.token_hex" in src


def test_python_version_supported():
    assert sys.version_info >= (3, 10)
