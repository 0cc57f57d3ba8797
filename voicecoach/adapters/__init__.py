"""Adapters behind the ports: text (terminal), clock, transcript file."""
