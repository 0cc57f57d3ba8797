"""voicecoach: a hands-free, voice-guided home exercise coach for SI joint and low back pain."""

__version__ = "0.1.0"
