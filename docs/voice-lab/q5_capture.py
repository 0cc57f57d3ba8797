"""Q5: play a WAV with paplay into a pulse sink and capture it with PyAudio from the default input
(room.monitor via the ALSA 'pulse' plugin). Reports: end-to-end latency (paplay launch -> the chunk
containing the signal onset is returned by stream.read), correlation with the source, gain.
usage: q5_capture.py [wav16k] [sink(room|speaker)] [reps]"""
import os, sys, subprocess, time, wave, threading, contextlib
import numpy as np
@contextlib.contextmanager
def quiet_stderr():   # PortAudio/ALSA/JACK print probing noise on fd 2
    saved=os.dup(2); dn=os.open(os.devnull,os.O_WRONLY); os.dup2(dn,2)
    try: yield
    finally: os.dup2(saved,2); os.close(saved); os.close(dn)
with quiet_stderr():
    import pyaudio; pa=pyaudio.PyAudio()
RATE=16000; CH=320   # 20 ms chunks
wavp=sys.argv[1] if len(sys.argv)>1 else "/tmp/voicelab/q5_src.wav"
sink=sys.argv[2] if len(sys.argv)>2 else "room"
reps=int(sys.argv[3]) if len(sys.argv)>3 else 5
if not os.path.exists(wavp):
    subprocess.run(f"espeak-ng --stdout -v en-us 'stop. one two three' | sox -t wav - -r 16000 -c 1 -b 16 {wavp}",shell=True,check=True)
src=np.frombuffer(wave.open(wavp).readframes(10**7),np.int16).astype(float)
src_on=int(np.argmax(np.abs(src)>500))
def run_once():
    frames=[]; times=[]; stop=threading.Event()
    s=pa.open(format=pyaudio.paInt16,channels=1,rate=RATE,input=True,frames_per_buffer=CH)
    def rec():
        while not stop.is_set():
            frames.append(s.read(CH,exception_on_overflow=False)); times.append(time.perf_counter())
    th=threading.Thread(target=rec); th.start(); time.sleep(0.5)
    t_play=time.perf_counter(); subprocess.run(["paplay",f"--device={sink}",wavp],check=True)
    time.sleep(0.5); stop.set(); th.join(); s.close()
    x=np.frombuffer(b"".join(frames),np.int16).astype(float)
    n=len(x); cc=np.fft.irfft(np.fft.rfft(x,2*n)*np.conj(np.fft.rfft(src,2*n)))[:n]; lag=int(np.argmax(cc))
    seg=x[lag:lag+len(src)]; corr=np.corrcoef(seg,src[:len(seg)])[0,1]
    onset_chunk=(lag+src_on)//CH
    lat=times[onset_chunk]-(t_play) - src_on/RATE
    return lat*1000, corr, np.std(seg)/np.std(src[:len(seg)])
res=[run_once() for _ in range(reps)]
L=[r[0] for r in res]; C=[r[1] for r in res]; G=[r[2] for r in res]
print(f"sink={sink}: paplay-launch->read() latency ms median {np.median(L):.0f} (min {min(L):.0f}, max {max(L):.0f}); "
      f"correlation min {min(C):.4f}; gain {np.median(G):.3f}")
