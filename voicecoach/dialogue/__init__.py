"""Talking with the person: understanding replies and asking questions with re-asks."""
