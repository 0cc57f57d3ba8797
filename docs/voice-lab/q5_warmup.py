"""Q5: after (re)starting pulse, how long until PyAudio capture from room.monitor streams in real time?"""
import os,time,subprocess,contextlib
@contextlib.contextmanager
def quiet_stderr():
    saved=os.dup(2); dn=os.open(os.devnull,os.O_WRONLY); os.dup2(dn,2)
    try: yield
    finally: os.dup2(saved,2); os.close(saved); os.close(dn)
subprocess.run(["/tmp/voicelab/scripts/pulse_down.sh"])
t0=time.perf_counter(); subprocess.run(". /tmp/voicelab/scripts/pulse_up.sh",shell=True,check=True); t_up=time.perf_counter()-t0
with quiet_stderr():
    import pyaudio; pa=pyaudio.PyAudio()
s=pa.open(format=pyaudio.paInt16,channels=1,rate=16000,input=True,frames_per_buffer=320)
ts=[]
for _ in range(150): s.read(320,exception_on_overflow=False); ts.append(time.perf_counter()-t0)
gaps=[b-a for a,b in zip(ts,ts[1:])]
big=[(round(ts[i],3),round(g,3)) for i,g in enumerate(gaps) if g>0.1]
print(f"pulse up in {1000*t_up:.0f} ms; first read at {ts[0]:.3f}s; read gaps >100ms: {big}; 150 reads (3 s audio) done at {ts[-1]:.2f}s")
