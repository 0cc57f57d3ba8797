#!/bin/sh
# Start a private PulseAudio (works as root, no sound card) with two null sinks:
#   speaker  = where the coach plays TTS
#   room     = what the "microphone" hears; room.monitor is the default source
# Usage: . scripts/pulse_up.sh   (exports PULSE_SERVER for clients)
set -e
B=/tmp/voicelab/pulse
mkdir -p $B/run $B/home
export PULSE_RUNTIME_PATH=$B/run HOME_SAVE=$HOME
HOME=$B/home pulseaudio -D --exit-idle-time=-1 --disallow-exit --system=false -n \
   -F /tmp/voicelab/scripts/voicelab.pa --log-target=file:$B/pulse.log --disable-shm=yes
export PULSE_SERVER=unix:$B/native
i=0; until pactl info >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
