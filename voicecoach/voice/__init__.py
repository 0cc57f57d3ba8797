"""The voice adapters: speaking (synthesis, clips, scheduled playback), listening (microphone,
segmentation, recognition, rejection) and the sound devices. Only this package imports the audio
libraries; the core sees them through the ports."""
