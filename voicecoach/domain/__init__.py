"""The domain: answers, question specs, outcomes, doses, thresholds and endings as plain values.

Every engine (triage, coach, dialogue, history) imports these; this package imports nothing else of ours.
"""
