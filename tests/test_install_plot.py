"""Issue 14's acceptance for charts out of the box: after only the README's install command
(``bash scripts/install.sh``, no test extra) in a fresh copy of the repository, ``history --plot`` writes the
plot. Slow (a fresh venv: about half a minute), so it is run once."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.history_helpers import SI_JOINT

REPO = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.subprocess
def test_plot_works_after_the_readme_install(tmp_path):
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    copy = tmp_path / "voicecoach"
    for name in files:
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name, follow_symlinks=False)
    install = subprocess.run(["bash", "scripts/install.sh"], cwd=copy, capture_output=True, text=True, timeout=900,
                             check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    voicecoach = copy / ".venv" / "bin" / "voicecoach"
    data = tmp_path / "data"
    for before, after in ((4, 3), (3, 5)):
        session = subprocess.run([voicecoach, "--text", "--time-scale", "0", "--data-dir", data],
                                 input=f"{SI_JOINT}{before}\n{after}\n", capture_output=True, text=True, timeout=120,
                                 check=False)
        assert session.returncode == 0, session.stderr
    plot = tmp_path / "out.png"
    result = subprocess.run([voicecoach, "history", "--plot", plot, "--data-dir", data], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Plot of 2 session(s) written to" in result.stderr
    assert plot.read_bytes()[:8] == PNG and plot.stat().st_size > 20_000
