"""Manim scenes that animate a bpviz trace (built in the scenes issue)."""
