"""The exercise coach: the exercises as data, pure timing, and the coach that counts them aloud."""
