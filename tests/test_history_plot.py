"""``history --plot``: a PNG of the pain trend, the exercise volume and the days against the rhythm; a clear
message where matplotlib (a dependency) is missing from a broken installation."""

import subprocess
import sys

import matplotlib.image

from tests.history_helpers import cli_session, invoke

PNG = b"\x89PNG\r\n\x1a\n"


def reds(path):
    """How many pixels are the colour of a pain rise of 2 or more (#d62728)."""
    image = matplotlib.image.imread(path)
    rgb = (image[..., :3] * 255).round()
    return int(((abs(rgb[..., 0] - 0xD6) < 8) & (abs(rgb[..., 1] - 0x27) < 8) & (abs(rgb[..., 2] - 0x28) < 8)).sum())


def test_plot_writes_a_png_that_shows_the_trend(tmp_path):
    data = tmp_path / "data"
    for before, after in ((5, 4), (4, 4), (4, 3), (3, 3)):
        cli_session(data, before, after)
    calm = tmp_path / "calm.png"
    result = invoke(["history", "--plot", str(calm), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert calm.read_bytes()[:8] == PNG
    assert "Plot of 4 session(s) written to" in result.stderr
    assert "SI_JOINT" in result.stdout, "the table is printed as well"
    assert reds(calm) == 0

    cli_session(data, 3, 6)  # a rise of 3: a red arrow
    risen = tmp_path / "risen.png"
    assert invoke(["history", "--plot", str(risen), "--data-dir", str(data)]).exit_code == 0
    assert reds(risen) > 50


def test_plot_with_json_keeps_stdout_json(tmp_path):
    cli_session(tmp_path / "data", 3, 3)
    result = invoke(["history", "--json", "--plot", str(tmp_path / "p.png"), "--data-dir", str(tmp_path / "data")])
    assert result.stdout.lstrip().startswith("[")
    assert (tmp_path / "p.png").exists()


def test_an_unwritable_plot_path_is_a_clear_error(tmp_path):
    result = invoke(["history", "--plot", str(tmp_path / "no" / "such" / "p.png"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Cannot write the plot" in result.stderr


def test_without_matplotlib_plot_says_how_to_install_it(tmp_path):
    # A fresh interpreter in which importing matplotlib fails, as in an installation that lost it.
    args = ["voicecoach", "history", "--plot", str(tmp_path / "p.png"), "--data-dir", str(tmp_path)]
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from voicecoach.cli import main\n"
        f"sys.argv = {args!r}\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "bash scripts/install.sh" in proc.stderr and "pip install matplotlib" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "p.png").exists()
