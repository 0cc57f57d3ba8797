#!/usr/bin/env bash
# Installs voicecoach on a Debian/Ubuntu machine: the system packages it needs (with sudo unless
# run as root), then the package itself into .venv. Pass "test" to add the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# espeak-ng: the voice; portaudio19-dev + gcc + python3-dev: to build PyAudio; alsa-utils: aplay,
# which pyttsx3 uses on Linux; python3-venv: for .venv.
# libasound2-plugins: ALSA's bridge to PulseAudio/PipeWire, through which PortAudio reaches the sound server.
system_packages=(python3 python3-venv python3-dev gcc portaudio19-dev espeak-ng libespeak-ng1 alsa-utils
                 libasound2-plugins)
# Tests: a private PulseAudio server is the sound card (tests/pulse.py); PortAudio reaches it through ALSA's pulse plugin.
# chromium + fonts-dejavu-core: the clinician report is rendered and printed by a real headless browser
# (tests/test_report_browser.py); systemd: systemd-analyze checks the reminder's unit files; cron: the real
# crontab, for the reminder where there is no user systemd (tests/test_remind.py).
if [ "$extras" = "test" ]; then
    system_packages+=(pulseaudio pulseaudio-utils chromium fonts-dejavu-core systemd cron)
fi

if command -v apt-get >/dev/null 2>&1; then
    missing=()
    for package in "${system_packages[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]})); then
        sudo=""
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        echo "Installing system packages: ${missing[*]}"
        $sudo apt-get update -q
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
else
    echo "apt-get not found: install these yourself if missing: ${system_packages[*]}" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
# Once: Moonshine's decoder unpacked to int8 products (55 MB in .venv/share): answers decode several times faster.
.venv/bin/python -m voicecoach.voice.moonshine_unpack
echo "voicecoach is installed in .venv: run .venv/bin/voicecoach"
