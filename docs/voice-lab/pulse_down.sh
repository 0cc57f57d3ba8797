#!/bin/sh
# stop only the private server started by pulse_up.sh (by its pid file)
P=/tmp/voicelab/pulse/run/pid; [ -f $P ] && kill $(cat $P) && sleep 0.3; true
